using System.Globalization;
using System.Text;

namespace Search.Benchmarks.Reporting;

/// <summary>The tables of docs/benchmarks.md, from a report. "—" marks a number that does not apply.</summary>
public static class MarkdownReport
{
    private const string NotApplicable = "—";

    public static string Table(ScenarioResult scenario)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"### {scenario.Name}");
        text.AppendLine();
        text.AppendLine(scenario.Description);
        text.AppendLine();
        text.AppendLine("| engine | ingest docs/s | passages/s | p50_ms | p99_ms | ndcg@10 | recall@100 | mrr@10 | ingest ratio service/this row |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in scenario.Engines)
        {
            text.AppendLine(c,
                $"| {r.Engine} | {r.DocumentsPerSecond:N0} | {Number(r.PassagesPerSecond, "N0")} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {Number(r.Quality?.NdcgAt10, "0.000")} | {Number(r.Quality?.RecallAt100, "0.000")} | {Number(r.Quality?.MrrAt10, "0.000")} | {Number(r.IngestRatioServiceOverThis, "0.00")} |");
        }

        text.AppendLine();
        foreach (var r in scenario.Engines)
        {
            text.AppendLine(c,
                $"- {r.Engine}: ingest {r.IngestSeconds:0.00} s wall, CPU {Cpu(r.IngestCpu)}; {r.Queries} queries {r.Queries * r.MeanMs / 1000:0.00} s wall, CPU {Cpu(r.QueryCpu)}; {r.MeanRankedDocuments:0.0} documents ranked per query; index {r.IndexBytes / 1048576.0:0.0} MiB{(r.FailedQueries > 0 ? $"; {r.FailedQueries} queries failed" : "")}");
        }

        foreach (var r in scenario.Engines.Where(r => r.Vectors is not null))
        {
            var v = r.Vectors!;
            text.AppendLine(c,
                $"- {r.Engine} vectors: searchable by BM25 after {v.SearchableAfterSeconds:0.00} s (the acknowledgement; last document {(v.LastDocumentFoundAtAcknowledgement ? "found" : "NOT found")} by a search right after it), {v.PendingAtAcknowledgement:N0} passages pending then; fully embedded after {v.EmbeddedAfterSeconds:0.00} s ({v.PassagesEmbedded:N0} passages, {v.PassagesPerSecond:N0} passages/s; service CPU {Number(v.ServiceCpuSeconds, "0.00")} s)");
        }

        foreach (var r in scenario.Engines.Where(r => r.ByQueryKind is not null))
        {
            text.AppendLine(c, $"- {r.Engine} by query kind: {string.Join("; ", r.ByQueryKind!.Select(k => string.Create(c, $"{k.Kind} p50_ms {k.P50Ms:0.00}, p99_ms {k.P99Ms:0.00} ({k.Queries})")))}");
        }

        foreach (var r in scenario.Engines.Where(r => r.WithText is not null))
        {
            text.AppendLine();
            text.AppendLine(c,
                $"{r.Engine} asked for its {r.WithText!.TopK} passages with their text and highlights instead of their ids: p50_ms {r.WithText.P50Ms:0.00}, p99_ms {r.WithText.P99Ms:0.00}; mean answer {r.WithText.MeanResponseBytes / 1024:N1} KiB instead of {r.MeanResponseBytes / 1024:N1} KiB");
        }

        return text.ToString();
    }

    /// <summary>The closing line: SciFact nDCG@10 of each engine, or null when SciFact was not run.</summary>
    public static string? NdcgLine(BenchmarkReport report)
    {
        var scifact = report.Scenarios.FirstOrDefault(s => s.Name == "scifact");
        if (scifact is null)
        {
            return null;
        }

        string Ndcg(string engine) => Number(scifact.Engines.FirstOrDefault(e => e.Engine == engine)?.Quality?.NdcgAt10, "0.000");
        return $"scifact ndcg@10 service={Ndcg("service")} fts5_porter={Ndcg("fts5_porter")} fts5={Ndcg("fts5")}";
    }

    private static string Cpu(CpuTime? cpu) => cpu switch
    {
        null => NotApplicable,
        { ServiceSeconds: { } service } => string.Create(CultureInfo.InvariantCulture, $"{service:0.00} s in the service + {cpu.ThisProcessSeconds:0.00} s in the client"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{cpu.ThisProcessSeconds:0.00} s in process"),
    };

    private static string Number(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : NotApplicable;
}
