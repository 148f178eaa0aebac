namespace Search.Gateway.QueryLog;

/// <summary>Where the query log is kept, and the questions the review queues ask of it.</summary>
public interface IQueryLogStore
{
    /// <summary>Writes <paramref name="entries"/> in one transaction, then deletes the oldest past <paramref name="maxEntries"/>.</summary>
    Task AppendAsync(IReadOnlyList<QueryLogEntry> entries, int maxEntries, CancellationToken ct = default);

    /// <summary>The newest entries first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<QueryLogEntry>> ListAsync(int limit, CancellationToken ct = default);

    /// <summary>Normalised queries that got no box, most often asked first (ties: most recent first).</summary>
    Task<IReadOnlyList<QueryLogSummary>> MostAbstainedAsync(int limit, CancellationToken ct = default);

    /// <summary>Normalised queries shown a model's box with confidence below <paramref name="below"/>, least confident first.</summary>
    Task<IReadOnlyList<QueryLogSummary>> LowConfidenceAsync(double below, int limit, CancellationToken ct = default);
}
