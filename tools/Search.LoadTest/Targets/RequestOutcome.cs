namespace Search.LoadTest.Targets;

/// <summary>The error kinds the harness names itself; others are an HTTP status code ("429") or a gRPC status ("Unavailable").</summary>
public static class ErrorKinds
{
    /// <summary>No answer within --timeout (a gRPC DEADLINE_EXCEEDED too: the deadline is the timeout).</summary>
    public const string Timeout = "timeout";

    /// <summary>Not sent: --max-inflight requests were already waiting for answers.</summary>
    public const string ClientOverload = "client_overload";

    /// <summary>No connection to the target (refused, reset, unreachable).</summary>
    public const string Connection = "connection";

    /// <summary>A success status with a body that is not a search response.</summary>
    public const string InvalidResponse = "invalid_response";
}

/// <summary>How one search ended: an error kind, or what the successful response said.</summary>
public readonly record struct RequestOutcome(string? Error, bool Cached, IReadOnlyList<string> Degraded, bool HasAnswer)
{
    public bool IsSuccess => Error is null;

    /// <summary>What the response said it cost each service, in CPU milliseconds (stage, ms), one entry per call; empty when it said nothing.</summary>
    public IReadOnlyList<KeyValuePair<string, double>>? Costs { get; init; }

    public static RequestOutcome Success(bool cached, IReadOnlyList<string> degraded, bool hasAnswer) => new(null, cached, degraded, hasAnswer);

    public static RequestOutcome Failure(string error) => new(error, false, [], false);
}

/// <summary>A gateway to load: sends one search and classifies the result. Never throws for what the target answered.</summary>
public interface ISearchTarget : IAsyncDisposable
{
    /// <summary>Sends <paramref name="query"/>; throws only <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.</summary>
    Task<RequestOutcome> SearchAsync(string query, CancellationToken cancellationToken);
}
