using Grpc.Core;
using Microsoft.Extensions.Hosting;

namespace Search.Gateway.Ingest;

/// <summary>Refuses the gateway's write methods without the ingest API key; searches pass untouched.</summary>
public sealed class IngestGrpcInterceptor(IngestAuthorization authorization) : CallCheckInterceptor
{
    private static readonly HashSet<string> WriteMethods = new(StringComparer.Ordinal)
    {
        "/search.v1.Gateway/UpsertDocuments",
        "/search.v1.Gateway/UpsertDocumentStream",
        "/search.v1.Gateway/DeleteDocuments",
    };

    protected override void Check(ServerCallContext context)
    {
        if (!WriteMethods.Contains(context.Method))
        {
            return;
        }

        var access = authorization.Check(context.RequestHeaders.GetValue(IngestAuthorization.MetadataKey));
        if (access != IngestAccess.Allowed)
        {
            var status = access == IngestAccess.Disabled ? StatusCode.PermissionDenied : StatusCode.Unauthenticated;
            throw new RpcException(new Status(status, IngestAuthorization.Message(access)));
        }
    }
}
