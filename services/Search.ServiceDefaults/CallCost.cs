using System.Runtime.InteropServices;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>The CPU time the calling thread has used so far (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>, user + system).</summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Whether the clock works here; elsewhere <see cref="NowNanoseconds"/> is 0 and no cost is reported.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Probe();

    public static long NowNanoseconds()
    {
        if (!IsSupported || ClockGetTime(ClockThreadCpuTimeId, out var now) != 0)
        {
            return 0;
        }

        return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
    }

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}

/// <summary>
/// The CPU one call costs this process, as the sum of the thread CPU time of every stretch of code that ran in the
/// call's async flow: an <see cref="AsyncLocal{T}"/> is told whenever a thread starts or stops running the call's
/// flow (each await resumed, each work item it queued), and each stretch adds its thread's CPU delta. Concurrent
/// calls on the same threads therefore do not count each other. Not counted: work outside the flow (Kestrel's
/// HTTP/2 framing and the request's protobuf parsing before the handler, the response's after it, threads that do
/// not carry the execution context such as native ONNX Runtime pool threads or the Redis client's socket threads,
/// and the GC's own threads). The costs the call's callees reported (their <see cref="TrailerName"/> trailers)
/// are kept beside it by name.
/// </summary>
public sealed class CallCost : IDisposable
{
    /// <summary>The response trailer in which a stage returns the CPU its handler used, in whole microseconds.</summary>
    public const string TrailerName = "cpu-us";

    private static readonly AsyncLocal<CallCost?> CurrentCost = new(OnFlowChanged);

    // When the thread began running the flow of the call it runs now (thread CPU nanoseconds).
    [ThreadStatic]
    private static long _stretchStarted;

    private readonly Lock _lock = new();
    private readonly List<KeyValuePair<string, TimeSpan>> _callees = [];
    private long _nanoseconds;

    // Threads running the call's flow now. A thread leaves the flow a moment after the await that ends its stretch
    // (when its async method or the pool's dispatch loop restores the context), so under load another thread can
    // resume the call and end it while the first is still descheduled in that moment.
    private int _open;
    private volatile bool _stopped;

    private CallCost()
    {
    }

    /// <summary>The cost of the call whose flow is running, if one was begun.</summary>
    public static CallCost? Current => CurrentCost.Value;

    /// <summary>How long <see cref="Stop"/> waits for a thread that has not yet left the call's flow.</summary>
    public static TimeSpan LateStretchWait { get; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Starts counting the flow that calls this (an async method, from here to its end) as one call. A cost begun
    /// inside another takes over the counting until it stops; the outer one does not count it.
    /// </summary>
    public static CallCost Begin()
    {
        var cost = new CallCost();
        CurrentCost.Value = cost;
        return cost;
    }

    /// <summary>The CPU counted so far, with the stretch running now when the caller is in the flow.</summary>
    public TimeSpan Cpu
    {
        get
        {
            var nanoseconds = Interlocked.Read(ref _nanoseconds);
            if (ReferenceEquals(CurrentCost.Value, this))
            {
                nanoseconds += ThreadCpuClock.NowNanoseconds() - _stretchStarted;
            }

            return TimeSpan.FromTicks(nanoseconds / 100);
        }
    }

    /// <summary>Costs the call's callees reported, in the order they were reported (one entry per reply).</summary>
    public IReadOnlyList<KeyValuePair<string, TimeSpan>> Callees
    {
        get
        {
            lock (_lock)
            {
                return _callees.ToList();
            }
        }
    }

    /// <summary>Keeps the cost a callee reported in <paramref name="trailers"/>; a reply without one adds nothing.</summary>
    public void AddCallee(string callee, Metadata? trailers)
    {
        if (FromTrailers(trailers) is not { } cpu)
        {
            return;
        }

        lock (_lock)
        {
            _callees.Add(new(callee, cpu));
        }
    }

    /// <summary>The CPU a callee reported in its trailers, or null when it reported none.</summary>
    public static TimeSpan? FromTrailers(Metadata? trailers) =>
        trailers?.GetValue(TrailerName) is { } text && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var micros)
            ? TimeSpan.FromMicroseconds(micros)
            : null;

    /// <summary>The trailer value for <paramref name="cpu"/>.</summary>
    public static string ToTrailer(TimeSpan cpu) => ((long)cpu.TotalMicroseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Stops counting (the flow that began it leaves it) and returns the CPU counted. Stretches still open on other
    /// threads are waited for, up to <see cref="LateStretchWait"/>: without it a loaded machine lost whole stretches
    /// (a 150 ms spin reported as 0.3 ms; 3 of 60 test runs with six busy loops on two cores). A stretch still open
    /// after that (work the call left running in its flow) is not counted.
    /// </summary>
    public TimeSpan Stop()
    {
        if (ReferenceEquals(CurrentCost.Value, this))
        {
            CurrentCost.Value = null;
        }

        if (Volatile.Read(ref _open) > 0)
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref _open) <= 0, LateStretchWait);
        }

        _stopped = true;
        return TimeSpan.FromTicks(Interlocked.Read(ref _nanoseconds) / 100);
    }

    public void Dispose() => Stop();

    private void Add(long nanoseconds)
    {
        if (!_stopped && nanoseconds > 0)
        {
            Interlocked.Add(ref _nanoseconds, nanoseconds);
        }
    }

    /// <summary>A thread starts or stops running some call's flow: close the stretch that ends, open the one that starts.</summary>
    private static void OnFlowChanged(AsyncLocalValueChangedArgs<CallCost?> change)
    {
        if (ReferenceEquals(change.PreviousValue, change.CurrentValue))
        {
            return;
        }

        var now = ThreadCpuClock.NowNanoseconds();
        if (change.PreviousValue is { } left)
        {
            left.Add(now - _stretchStarted);
            Interlocked.Decrement(ref left._open);
        }

        if (change.CurrentValue is { } entered)
        {
            Interlocked.Increment(ref entered._open);
        }

        _stretchStarted = now;
    }
}

/// <summary>
/// Returns the CPU each call's handler used as the <see cref="CallCost.TrailerName"/> response trailer (whole
/// microseconds, this process only), for unary and streaming calls alike, so a caller can add up what a request
/// cost every service it touched. Health checks are not measured.
/// </summary>
public sealed class CallCostInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!Measured(context))
        {
            return await continuation(request, context);
        }

        var cost = CallCost.Begin();
        try
        {
            return await continuation(request, context);
        }
        finally
        {
            Report(context, cost);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var cost = CallCost.Begin();
        try
        {
            return await continuation(requestStream, context);
        }
        finally
        {
            Report(context, cost);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!Measured(context))
        {
            await continuation(request, responseStream, context);
            return;
        }

        var cost = CallCost.Begin();
        try
        {
            await continuation(request, responseStream, context);
        }
        finally
        {
            Report(context, cost);
        }
    }

    private static void Report(ServerCallContext context, CallCost cost)
    {
        var cpu = cost.Stop();
        if (ThreadCpuClock.IsSupported)
        {
            context.ResponseTrailers.Add(CallCost.TrailerName, CallCost.ToTrailer(cpu));
        }
    }

    private static bool Measured(ServerCallContext context) => !context.Method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal);
}

public static class CallCostExtensions
{
    /// <summary>
    /// Reports the CPU of every call in its <see cref="CallCost.TrailerName"/> trailer (<see cref="CallCostInterceptor"/>).
    /// Add it before the call limit, so the limit's own work is counted too.
    /// </summary>
    public static IHostApplicationBuilder AddCallCost(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CallCostInterceptor>();
        builder.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<CallCostInterceptor>());
        return builder;
    }
}
