using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Configuration section "Service:Calls": how many calls a back service works on at once.</summary>
public sealed class CallLimitOptions
{
    public const string SectionName = "Service:Calls";

    /// <summary>Calls worked on at once; 0 sizes it to the machine (<see cref="Slots.PerProcessor"/> per processor).</summary>
    [Range(0, 10_000)]
    public int MaxConcurrent { get; set; }
}

/// <summary>
/// A stage's own limit, so one slow stage queues its own calls and not the others': at most
/// <see cref="CallLimitOptions.MaxConcurrent"/> unary and server-streaming calls are worked on at once, the rest wait in
/// arrival order. A call whose deadline passes (or whose caller leaves) while it waits ends RESOURCE_EXHAUSTED
/// without being worked on; the gateway then degrades the stage or, for retrieval, answers 503. Health checks
/// and client streams (ingest, which has its own batching) are not limited.
/// </summary>
public sealed class CallLimitInterceptor : Interceptor, IDisposable
{
    private readonly ConcurrencyLimiter _slots;
    private readonly int _limit;

    public CallLimitInterceptor(IOptions<CallLimitOptions> options)
    {
        _limit = Slots.Of(options.Value.MaxConcurrent);
        _slots = Slots.Limiter(_limit);
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (IsHealthCheck(context))
        {
            return await continuation(request, context);
        }

        using var slot = await EnterAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (IsHealthCheck(context))
        {
            await continuation(request, responseStream, context);
            return;
        }

        using var slot = await EnterAsync(context);
        await continuation(request, responseStream, context);
    }

    public void Dispose() => _slots.Dispose();

    private async Task<RateLimitLease> EnterAsync(ServerCallContext context)
    {
        RateLimitLease lease;
        try
        {
            // The call's token fires at its deadline and when the caller cancels.
            lease = await _slots.AcquireAsync(1, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw Busy(context, "its deadline passed or its caller left while it waited for a slot");
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw Busy(context, "the queue of waiting calls is full");
        }

        return lease;
    }

    private RpcException Busy(ServerCallContext context, string why) =>
        new(new Status(StatusCode.ResourceExhausted, $"{context.Method}: busy ({_limit} calls at once); {why}"));

    private static bool IsHealthCheck(ServerCallContext context) => context.Method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal);
}

public static class CallLimitExtensions
{
    /// <summary>Limits the service's calls with <see cref="CallLimitInterceptor"/> (one limiter for the whole service).</summary>
    public static IHostApplicationBuilder AddCallLimit(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<CallLimitOptions>(CallLimitOptions.SectionName);
        builder.Services.AddSingleton<CallLimitInterceptor>();
        builder.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<CallLimitInterceptor>());
        return builder;
    }
}
