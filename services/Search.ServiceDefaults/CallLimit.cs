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

    /// <summary>
    /// Writes worked on at once, apart from the searches' slots so that writes waiting on a commit never hold
    /// the slots searches need; 0 sizes it to the machine (<see cref="WritesPerProcessor"/> per processor).
    /// </summary>
    [Range(0, 10_000)]
    public int MaxConcurrentWrites { get; set; }

    /// <summary>Write slots per processor when none are configured: a write mostly waits for the group commit it joined.</summary>
    public const int WritesPerProcessor = 32;
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
    private readonly Lane _calls;
    private readonly Lane _writes;
    private readonly HashSet<string> _writeMethods;

    /// <param name="writeMethods">Full gRPC method names ("/search.v1.Retrieval/UpsertDocuments") that take the write lane.</param>
    public CallLimitInterceptor(IOptions<CallLimitOptions> options, CallLimitWrites writeMethods)
    {
        _calls = new Lane(Slots.Of(options.Value.MaxConcurrent), "calls");
        var writes = options.Value.MaxConcurrentWrites;
        _writes = new Lane(writes > 0 ? writes : CallLimitOptions.WritesPerProcessor * Environment.ProcessorCount, "writes");
        _writeMethods = new HashSet<string>(writeMethods.Methods, StringComparer.Ordinal);
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

    public void Dispose()
    {
        _calls.Slots.Dispose();
        _writes.Slots.Dispose();
    }

    private async Task<RateLimitLease> EnterAsync(ServerCallContext context)
    {
        var lane = _writeMethods.Contains(context.Method) ? _writes : _calls;
        RateLimitLease lease;
        try
        {
            // The call's token fires at its deadline and when the caller cancels.
            lease = await lane.Slots.AcquireAsync(1, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw Busy(context, lane, "its deadline passed or its caller left while it waited for a slot");
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw Busy(context, lane, "the queue of waiting calls is full");
        }

        return lease;
    }

    private static RpcException Busy(ServerCallContext context, Lane lane, string why) =>
        new(new Status(StatusCode.ResourceExhausted, $"{context.Method}: busy ({lane.Limit} {lane.Name} at once); {why}"));

    private sealed record Lane(int Limit, string Name)
    {
        public ConcurrencyLimiter Slots { get; } = Hosting.Slots.Limiter(Limit);
    }

    private static bool IsHealthCheck(ServerCallContext context) => context.Method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal);
}

public static class CallLimitExtensions
{
    /// <summary>
    /// Limits the service's calls with <see cref="CallLimitInterceptor"/>: one limiter for the whole service's calls,
    /// and one for <paramref name="writeMethods"/> (full gRPC method names), which never take a search's slot.
    /// </summary>
    public static IHostApplicationBuilder AddCallLimit(this IHostApplicationBuilder builder, params string[] writeMethods)
    {
        builder.AddValidatedOptions<CallLimitOptions>(CallLimitOptions.SectionName);
        builder.Services.AddSingleton(new CallLimitWrites(writeMethods));
        builder.Services.AddSingleton<CallLimitInterceptor>();
        builder.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<CallLimitInterceptor>());
        return builder;
    }
}

/// <summary>The gRPC methods (full names) a service's call limit counts as writes.</summary>
public sealed record CallLimitWrites(IReadOnlyList<string> Methods);
