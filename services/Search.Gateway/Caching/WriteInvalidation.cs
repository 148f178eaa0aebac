namespace Search.Gateway.Caching;

/// <summary>
/// Drops the cached answers citing the documents a write touches, and those to questions sharing a term with what an
/// upsert wrote (<see cref="WrittenTerms"/>: a new fact must not wait behind an answer cached before it), whatever became
/// of the write: after its acknowledgement, and after a failure too, since a write whose reply was lost (a timeout, a
/// reset connection, a retrieval that crashed after committing) may have been applied all the same. Such a write may
/// even be committed after the gateway gave up on it, and a search in between could cache the old answer again; so the
/// documents of a write without an acknowledgement are dropped once more when its deadline has passed, plus
/// <see cref="LateGrace"/>.
/// </summary>
public sealed class WriteInvalidation(AnswerCache cache, TimeProvider time, ILogger<WriteInvalidation> logger)
{
    /// <summary>How long after a failed write's deadline its documents are dropped again (retrieval commits within it).</summary>
    public static TimeSpan LateGrace { get; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="write"/>, then drops the answers citing <paramref name="ids"/> and those to questions holding one of
    /// <paramref name="terms"/> (null for a delete; both read at the end: a stream adds to them).
    /// </summary>
    public async Task<T> RunAsync<T>(IReadOnlyCollection<string> ids, WrittenTerms? terms, DateTime deadline, Func<Task<T>> write)
    {
        var acknowledged = false;
        try
        {
            var result = await write();
            acknowledged = true;
            return result;
        }
        finally
        {
            await SettleAsync(ids, terms, deadline, acknowledged);
        }
    }

    /// <summary>
    /// Drops the answers citing <paramref name="ids"/> or asking for one of <paramref name="terms"/> now and, unless the write
    /// was <paramref name="acknowledged"/>, again after its <paramref name="deadline"/>. Never throws.
    /// </summary>
    public async Task SettleAsync(IReadOnlyCollection<string> ids, WrittenTerms? terms, DateTime deadline, bool acknowledged)
    {
        var touched = ids.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList();
        if (touched.Count == 0)
        {
            return;
        }

        await cache.InvalidateAsync(touched, terms);
        if (acknowledged)
        {
            return;
        }

        var wait = deadline - time.GetUtcNow().UtcDateTime;
        var delay = (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) + LateGrace;
        _ = Task.Run(async () =>
        {
            await Task.Delay(delay, time);
            await cache.InvalidateAsync(touched, terms);
            logger.LogDebug("Dropped cached answers for {Count} documents again after a write without an acknowledgement", touched.Count);
        });
    }
}
