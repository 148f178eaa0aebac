using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Search.TestKit;
using Rpc = Search.Contracts.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Router.Tests;

/// <summary>
/// The back services' own call limit, in a real router host with one slot: a call that waits past its deadline
/// is never worked on, a health check is never held, and a waiting call runs once the slot is free.
/// </summary>
public sealed class CallLimitTests
{
    private static readonly Method<Rpc.RouteRequest, Rpc.RouteResponse> RouteMethod =
        GrpcMethods.Unary<Rpc.RouteRequest, Rpc.RouteResponse>(Rpc.Router.Descriptor, "Route");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithItsSlotBusyACallWaitsAndOneThatRunsOutOfTimeIsNeverWorkedOn()
    {
        var held = new Holding();
        await using var factory = new SignedHost<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Service:Calls:MaxConcurrent", "1");
            // Added after the call limit, so it runs inside the slot: it sees only calls that were let in.
            b.ConfigureServices(s => s.AddSingleton(held).Configure<GrpcServiceOptions>(o => o.Interceptors.Add<Holding>()));
        });
        using var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        var calls = channel.CreateSignedInvoker();

        var first = Route(calls, "hold: who discovered penicillin?", TimeSpan.FromSeconds(30));
        await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        // Its status depends on which side notices the deadline first (the client: DEADLINE_EXCEEDED; the limit:
        // RESOURCE_EXHAUSTED; through the in-memory test server a loaded machine has also shown INTERNAL). What
        // matters is that it fails and the service never works on it.
        await Assert.ThrowsAsync<RpcException>(() => Route(calls, "who wrote hamlet?", TimeSpan.FromMilliseconds(300)));
        var waiting = Route(calls, "who painted the mona lisa?", TimeSpan.FromSeconds(30));
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Cancel);
        var workedOnWhileBusy = held.Seen.ToArray();
        held.Release.SetResult();

        Assert.Equal("hold: who discovered penicillin?", (await first).Route.NormalizedQuery);
        Assert.Equal("who painted the mona lisa?", (await waiting).Route.NormalizedQuery);
        Assert.Equal(["hold: who discovered penicillin?"], workedOnWhileBusy);
        Assert.DoesNotContain("who wrote hamlet?", held.Seen);
        Assert.Equal(ServingStatus.Serving, health.Status);
    }

    private static Task<Rpc.RouteResponse> Route(CallInvoker calls, string query, TimeSpan timeout) =>
        calls.AsyncUnaryCall(RouteMethod, null, new CallOptions(deadline: DateTime.UtcNow + timeout, cancellationToken: Cancel), new Rpc.RouteRequest { Query = query }).ResponseAsync;

    /// <summary>Records the Route calls that reach the service and holds the ones marked "hold:" until released.</summary>
    private sealed class Holding : Interceptor
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public System.Collections.Concurrent.ConcurrentQueue<string> Seen { get; } = new();

        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is Rpc.RouteRequest route)
            {
                Seen.Enqueue(route.Query);
                if (route.Query.StartsWith("hold:", StringComparison.Ordinal))
                {
                    Entered.TrySetResult();
                    await Release.Task.WaitAsync(context.CancellationToken);
                }
            }

            return await continuation(request, context);
        }
    }
}
