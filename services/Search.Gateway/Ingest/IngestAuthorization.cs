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

    public IngestAccess Check(string? presented) => Compare(options.Value.IngestApiKey, presented);

    /// <summary>
    /// The one key comparison of the gateway (ingest and review keys alike): <see cref="IngestAccess.Disabled"/> when
    /// no key is configured, <see cref="IngestAccess.BadKey"/> when <paramref name="presented"/> is missing or differs.
    /// </summary>
    public static IngestAccess Compare(string? configured, string? presented)
    {
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

    /// <param name="what">What the key guards, as the message names it ("ingest", "listing feedback").</param>
    public static string Message(IngestAccess access, string what = "ingest") => access switch
    {
        IngestAccess.BadKey => $"{what} needs the API key in the {HeaderName} header (gRPC metadata {MetadataKey}); it was missing or wrong",
        IngestAccess.Disabled => $"{what} is disabled on this gateway: no Gateway:IngestApiKey is configured",
        _ => "",
    };

    /// <summary>The REST refusal of a request without the key (401, or 403 when no key is configured); null when it may pass.</summary>
    public IResult? Refuse(HttpContext http, string what = "ingest")
    {
        var access = Check(http.Request.Headers[HeaderName].ToString());
        return Refusal(access, Message(access, what));
    }

    /// <summary>The REST refusal for <paramref name="access"/>: none when allowed, 403 when disabled, else 401.</summary>
    public static IResult? Refusal(IngestAccess access, string message) => access switch
    {
        IngestAccess.Allowed => null,
        IngestAccess.Disabled => Results.Problem(detail: message, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
        _ => Results.Problem(detail: message, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized"),
    };
}
