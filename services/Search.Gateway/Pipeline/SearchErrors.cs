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
