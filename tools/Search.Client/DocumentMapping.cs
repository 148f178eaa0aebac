using Search.Contracts.V1;
using Search.Evaluation.Datasets;

namespace Search.Client;

public static class DocumentMapping
{
    /// <summary>The ingest message for a document read from a data file.</summary>
    public static Document ToContract(this DatasetDocument document) => new()
    {
        Id = document.Id,
        Title = document.Title,
        Text = document.Text,
        Url = document.Url,
        Lang = document.Lang,
    };
}
