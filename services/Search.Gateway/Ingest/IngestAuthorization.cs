using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Search.Gateway.Ingest;

public enum IngestAccess
{
    Allowed,

    /// <summary>No key was presented, or the wrong one: REST 401, gRPC UNAUTHENTICATED.</summary>
    BadKey,

    /// <summary>The gateway has no key configured, so it accepts no ingest at all: REST 403, gRPC PERMISSION_DENIED.</summary>
    Disabled,
}

/// <summary>Checks the API key that guards every write (upsert and delete) over REST and gRPC alike.</summary>
public sealed class IngestAuthorization(IOptions<GatewayOptions> options)
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>gRPC metadata keys are lowercase.</summary>
    public const string MetadataKey = "x-api-key";

    public IngestAccess Check(string? presented)
    {
        var configured = options.Value.IngestApiKey;
        if (string.IsNullOrEmpty(configured))
        {
            return IngestAccess.Disabled;
        }

        if (string.IsNullOrEmpty(presented))
        {
            return IngestAccess.BadKey;
        }

        // Constant time, so the key cannot be guessed a character at a time from response times.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(configured))
            ? IngestAccess.Allowed
            : IngestAccess.BadKey;
    }

    public static string Message(IngestAccess access) => access switch
    {
        IngestAccess.BadKey => $"ingest needs the API key in the {HeaderName} header (gRPC metadata {MetadataKey}); it was missing or wrong",
        IngestAccess.Disabled => "ingest is disabled on this gateway: no Gateway:IngestApiKey is configured",
        _ => "",
    };
}
