namespace Search.Gateway;

/// <summary>
/// The deadline of every call the gateway makes (search stages, streamed answers, ingest, stats), on the
/// injected clock: the earliest of what the caller allows and the call's own budget, so no call outlives
/// the request it serves.
/// </summary>
public sealed class Deadlines(TimeProvider time)
{
    /// <summary>
    /// The earliest of <paramref name="caller"/> and now + <paramref name="budgetMs"/>, in UTC. Null and
    /// <see cref="DateTime.MaxValue"/> (what gRPC reports when the caller set none) mean no caller deadline.
    /// </summary>
    public DateTime Earliest(DateTime? caller, int budgetMs)
    {
        var own = time.GetUtcNow().UtcDateTime.AddMilliseconds(budgetMs);
        if (caller is not { } deadline || deadline == DateTime.MaxValue)
        {
            return own;
        }

        var utc = deadline.ToUniversalTime();
        return utc < own ? utc : own;
    }

    /// <summary>
    /// A token cancelled at <paramref name="deadline"/> or with <paramref name="ct"/>, for the waits a gRPC
    /// deadline does not bound (such as reading a request body while streaming it on).
    /// </summary>
    public DeadlineToken CancelAt(DateTime deadline, CancellationToken ct)
    {
        var remaining = deadline - time.GetUtcNow().UtcDateTime;
        return new DeadlineToken(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time, ct);
    }
}

/// <summary>A cancellation token that fires at a deadline or with the caller's token, and can tell which.</summary>
public sealed class DeadlineToken : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;

    internal DeadlineToken(TimeSpan remaining, TimeProvider time, CancellationToken ct)
    {
        _deadline = new CancellationTokenSource(remaining, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token, ct);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>Whether the deadline has passed (as opposed to the caller giving up).</summary>
    public bool Expired => _deadline.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _deadline.Dispose();
    }
}
