using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A server interceptor that checks each call before its handler runs, whatever the call's kind (unary or
/// streaming): <see cref="Check"/> throws an <see cref="RpcException"/> to refuse it.
/// </summary>
public abstract class CallCheckInterceptor : Interceptor
{
    /// <summary>Refuses the call by throwing an <see cref="RpcException"/>; returns to let it through.</summary>
    protected abstract void Check(ServerCallContext context);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }
}
