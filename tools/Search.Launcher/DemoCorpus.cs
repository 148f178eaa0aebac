using Search.Client;
using Search.Evaluation.Datasets;

namespace Search.Launcher;

/// <summary>Loads the team's demo corpus into an empty index so a fresh `make run` has something to answer from.</summary>
public static class DemoCorpus
{
    public static async Task<bool> IngestIfEmptyAsync(SearchClient client, string path, Action<string> report, CancellationToken ct)
    {
        var stats = await client.GetStatsAsync(ct);
        if (stats.Documents > 0)
        {
            report($"index holds {stats.Documents} documents ({stats.Passages} passages); demo corpus not needed");
            return false;
        }

        var records = JsonlDocumentReader.ReadFile(path).ToList();
        foreach (var bad in records.Where(r => !r.IsValid))
        {
            report($"demo corpus line {bad.LineNumber}: {bad.Error}");
        }

        var documents = records.Where(r => r.IsValid).Select(r => r.Document!.ToContract()).ToList();
        var response = await client.UpsertAsync(documents, ct);
        foreach (var rejection in response.Rejected)
        {
            report($"demo document {rejection.DocumentId} rejected: {rejection.Reason}");
        }

        report($"ingested the demo corpus: {response.Accepted} documents, {response.Passages} passages");
        return true;
    }
}
