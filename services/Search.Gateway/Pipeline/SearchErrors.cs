using System.Diagnostics.CodeAnalysis;

namespace Search.Gateway.Pipeline;

/// <summary>The request itself is wrong: REST answers 400, gRPC INVALID_ARGUMENT.</summary>
public sealed class BadSearchRequestException(string message) : Exception(message)
{
    [DoesNotReturn]
    public static void Throw(string message) => throw new BadSearchRequestException(message);
}

/// <summary>A stage the response cannot do without failed: REST answers 503, gRPC UNAVAILABLE.</summary>
public sealed class StageUnavailableException(string stage, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Stage { get; } = stage;
}

/// <summary>
/// The gateway cannot serve the search in time: REST answers 503 with Retry-After, gRPC UNAVAILABLE with a
/// retry-after entry in the trailers. Nothing downstream has seen the search.
/// </summary>
public sealed class OverloadedException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>Whole seconds to wait, at least 1, as Retry-After carries them.</summary>
    public string RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public static class SearchRefusals
{
    /// <summary>Whether <paramref name="e"/> is the pipeline refusing the search (bad input, retrieval down, overloaded), which the front doors map to a status.</summary>
    public static bool IsRefusal(Exception e) => e is BadSearchRequestException or StageUnavailableException or OverloadedException;
}
