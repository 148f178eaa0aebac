namespace Search.Evaluation.Datasets;

/// <summary>A document as a data file holds it; clients map it to the ingest contract.</summary>
public sealed record DatasetDocument
{
    public required string Id { get; init; }

    public string Title { get; init; } = "";

    public required string Text { get; init; }

    public string Url { get; init; } = "";

    /// <summary>Language tag as written in the file ("en", "zh-Hans", …); empty lets retrieval detect it.</summary>
    public string Lang { get; init; } = "";
}
