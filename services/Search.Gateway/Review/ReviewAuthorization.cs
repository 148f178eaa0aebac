using Grpc.Core;
using Microsoft.Extensions.Options;
using Search.Gateway.Ingest;

namespace Search.Gateway.Review;

/// <summary>
/// Checks the reviewer key (Gateway:Review:ApiKey) on every review call, REST and gRPC, with the ingest key's
/// constant-time comparison and header. The ingest key does not open review: it is refused as forbidden, and a gateway
/// whose two keys are the same refuses review altogether (a key for writing documents must not also curate answers).
/// </summary>
public sealed class ReviewAuthorization(IOptions<ReviewOptions> review, IOptions<GatewayOptions> gateway)
{
    public IngestAccess Check(string? presented)
    {
        var configured = review.Value.ApiKey;
        if (!string.IsNullOrEmpty(configured) && configured == gateway.Value.IngestApiKey)
        {
            return IngestAccess.Disabled;
        }

        var access = IngestAuthorization.Compare(configured, presented);
        if (access == IngestAccess.BadKey && IngestAuthorization.Compare(gateway.Value.IngestApiKey, presented) == IngestAccess.Allowed)
        {
            return IngestAccess.Disabled;
        }

        return access;
    }

    public string Message(IngestAccess access, string? presented)
    {
        var configured = review.Value.ApiKey;
        return access switch
        {
            IngestAccess.BadKey =>
                $"review needs the reviewer key in the {IngestAuthorization.HeaderName} header (gRPC metadata {IngestAuthorization.MetadataKey}); it was missing or wrong",
            IngestAccess.Disabled when string.IsNullOrEmpty(configured) =>
                $"review is disabled on this gateway: no {ReviewOptions.Section}:ApiKey is configured",
            IngestAccess.Disabled when configured == gateway.Value.IngestApiKey =>
                $"review is disabled on this gateway: {ReviewOptions.Section}:ApiKey must differ from Gateway:IngestApiKey",
            IngestAccess.Disabled => "the ingest key does not open review: use the reviewer key",
            _ => "",
        };
    }

    /// <summary>The REST refusal (401, or 403 for the ingest key or a gateway without a reviewer key); null when it may pass.</summary>
    public IResult? Refuse(HttpContext http)
    {
        var presented = http.Request.Headers[IngestAuthorization.HeaderName].ToString();
        var access = Check(presented);
        return IngestAuthorization.Refusal(access, Message(access, presented));
    }

    /// <summary>Throws UNAUTHENTICATED or PERMISSION_DENIED unless the call carries the reviewer key.</summary>
    public void Authorize(ServerCallContext context)
    {
        var presented = context.RequestHeaders.GetValue(IngestAuthorization.MetadataKey);
        var access = Check(presented);
        if (access != IngestAccess.Allowed)
        {
            var status = access == IngestAccess.Disabled ? StatusCode.PermissionDenied : StatusCode.Unauthenticated;
            throw new RpcException(new Status(status, Message(access, presented)));
        }
    }
}
