using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Search.Gateway.Ingest;

/// <summary>Refuses the gateway's write methods without the ingest API key; searches pass untouched.</summary>
public sealed class IngestGrpcInterceptor(IngestAuthorization authorization) : Interceptor
{
    private static readonly HashSet<string> WriteMethods = new(StringComparer.Ordinal)
    {
        "/search.v1.Gateway/UpsertDocuments",
        "/search.v1.Gateway/UpsertDocumentStream",
        "/search.v1.Gateway/DeleteDocuments",
    };

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, context);
    }

    private void Authorize(ServerCallContext context)
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
