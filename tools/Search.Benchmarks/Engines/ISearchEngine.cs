using Search.Benchmarks.Corpus;

namespace Search.Benchmarks.Engines;

/// <summary>An engine under measurement: it stores documents and ranks document ids for a query.</summary>
public interface ISearchEngine : IAsyncDisposable
{
    /// <summary>Documents a query ranks at most: the depth of Recall@100.</summary>
    public const int RankDepth = 100;

    string Name { get; }

    /// <summary>Stores <paramref name="documents"/> and reports what was stored and how long it took.</summary>
    Task<IngestMeasurement> IngestAsync(IReadOnlyList<BenchmarkDocument> documents, ProgressLog progress, CancellationToken ct);

    /// <summary>Document ids, best first, at most <see cref="RankDepth"/>.</summary>
    ValueTask<IReadOnlyList<string>> SearchAsync(string query, CancellationToken ct);

    /// <summary>CPU time used so far by the engine's own process; null when the engine runs inside this one.</summary>
    TimeSpan? ServerProcessorTime();

    /// <summary>Bytes the index takes on disk now.</summary>
    long IndexBytes();
}

/// <summary>What one ingest stored: documents, passages when the engine splits documents, and the wall time.</summary>
public sealed record IngestMeasurement(int Documents, long? Passages, TimeSpan Elapsed)
{
    public static IngestMeasurement Empty { get; } = new(0, null, TimeSpan.Zero);

    public IngestMeasurement Add(IngestMeasurement other) =>
        new(Documents + other.Documents, Passages is null && other.Passages is null ? null : (Passages ?? 0) + (other.Passages ?? 0), Elapsed + other.Elapsed);
}
