using System.Globalization;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Router.Tests;

/// <summary>
/// The CPU a back service reports for each call (the <c>cpu-us</c> trailer of ServiceDefaults' CallCost), in a real
/// router host whose handler is made to burn CPU or to wait. Only orderings and the CPU a call burned by its own
/// thread clock are asserted, so a loaded machine slows the tests down without failing them.
/// </summary>
public sealed class CallCostTests
{
    private static readonly Method<Rpc.RouteRequest, Rpc.RouteResponse> RouteMethod =
        GrpcMethods.Unary<Rpc.RouteRequest, Rpc.RouteResponse>(Rpc.Router.Descriptor, "Route");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACallThatBurnsCpuReportsItAndACallThatWaitsReportsLess()
    {
        Assert.SkipUnless(ThreadCpuClock.IsSupported, "no per-thread CPU clock on this platform");
        await using var factory = Host();
        var calls = Calls(factory);
        await CpuOf(calls, "who wrote hamlet?");

        var spinning = await CpuOf(calls, "spin 50");
        var sleeping = await CpuOf(calls, "sleep 50");
        var spinningLonger = await CpuOf(calls, "spin 150");

        Assert.True(spinning >= TimeSpan.FromMilliseconds(50), $"spinning 50 ms reported {spinning.TotalMilliseconds} ms");
        Assert.True(sleeping < spinning, $"sleeping reported {sleeping.TotalMilliseconds} ms, spinning {spinning.TotalMilliseconds} ms");
        Assert.True(spinningLonger >= TimeSpan.FromMilliseconds(150), $"spinning 150 ms reported {spinningLonger.TotalMilliseconds} ms");
        Assert.True(spinningLonger > spinning);
    }

    [Fact]
    public async Task TheCpuOfEveryStretchBetweenAwaitsIsCounted()
    {
        Assert.SkipUnless(ThreadCpuClock.IsSupported, "no per-thread CPU clock on this platform");
        await using var factory = Host();
        var calls = Calls(factory);

        // Three stretches of 40 ms, each resumed by a timer (usually on another pool thread).
        var cpu = await CpuOf(calls, "spin 40 40 40");

        Assert.True(cpu >= TimeSpan.FromMilliseconds(120), $"three stretches of 40 ms reported {cpu.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task ACallWaitingBesideABusyOneIsNotChargedForIt()
    {
        Assert.SkipUnless(ThreadCpuClock.IsSupported, "no per-thread CPU clock on this platform");
        await using var factory = Host();
        var calls = Calls(factory);
        await CpuOf(calls, "who wrote hamlet?");

        // The sleeper's waits resume on pool threads that also run the spinner's stretches.
        var spinning = CpuOf(calls, "spin 30 30 30 30 30");
        var sleeping = CpuOf(calls, "sleep 20 20 20 20 20 20 20 20");
        var (spun, slept) = (await spinning, await sleeping);

        Assert.True(spun >= TimeSpan.FromMilliseconds(150), $"spinning 150 ms reported {spun.TotalMilliseconds} ms");
        Assert.True(slept < spun, $"sleeping beside it reported {slept.TotalMilliseconds} ms, spinning {spun.TotalMilliseconds} ms");
    }

    private static WebApplicationFactory<Program> Host() => new SignedHost<Program>().WithWebHostBuilder(b =>
        // Added after the cost interceptor, so its work is inside the measured call.
        b.ConfigureServices(s => s.AddSingleton<Working>().Configure<GrpcServiceOptions>(o => o.Interceptors.Add<Working>())));

    private static CallInvoker Calls(WebApplicationFactory<Program> factory) =>
        GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }).CreateSignedInvoker();

    private static async Task<TimeSpan> CpuOf(CallInvoker calls, string query)
    {
        using var call = calls.AsyncUnaryCall(
            RouteMethod, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: Cancel), new Rpc.RouteRequest { Query = query });
        await call.ResponseAsync;
        return CallCost.FromTrailers(call.GetTrailers()) ?? throw new InvalidOperationException($"no {CallCost.TrailerName} trailer");
    }

    /// <summary>"spin A B …" burns A ms of this thread's CPU, then awaits a timer and burns B, …; "sleep A B …" only awaits timers.</summary>
    private sealed class Working : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is Rpc.RouteRequest { Query: var query } && query.Split(' ') is [("spin" or "sleep") and var verb, .. var amounts])
            {
                foreach (var ms in amounts.Select(a => int.Parse(a, CultureInfo.InvariantCulture)))
                {
                    if (verb == "spin")
                    {
                        Spin(TimeSpan.FromMilliseconds(ms));
                        await Task.Delay(1, context.CancellationToken);
                    }
                    else
                    {
                        await Task.Delay(ms, context.CancellationToken);
                    }
                }
            }

            return await continuation(request, context);
        }

        private static void Spin(TimeSpan cpu)
        {
            var until = ThreadCpuClock.NowNanoseconds() + (long)(cpu.TotalMilliseconds * 1_000_000);
            while (ThreadCpuClock.NowNanoseconds() < until)
            {
                Thread.SpinWait(100);
            }
        }
    }
}
