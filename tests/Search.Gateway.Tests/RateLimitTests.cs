using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>Per-client rate limiting in a real gateway host with a burst of 3 and one request a second after it.</summary>
public sealed class RateLimitTests
{
    private static readonly Method<Rpc.GetStatsRequest, Rpc.GetStatsResponse> GetStats =
        GrpcMethods.Unary<Rpc.GetStatsRequest, Rpc.GetStatsResponse>(Rpc.Gateway.Descriptor, "GetStats");

    [Fact]
    public async Task RestRequestsOverTheBurstGet429WithRetryAfterAndAMessage()
    {
        await using var gateway = LimitedGateway();
        using var http = gateway.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        // An empty query is answered (400) without any downstream call, so only the limiter decides.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await http.GetAsync("/api/search?q=", ct);
            statuses.Add(allowed.StatusCode);
        }

        using var limited = await http.GetAsync("/api/search?q=", ct);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After was {limited.Headers.RetryAfter}");
        using var json = JsonDocument.Parse(await limited.Content.ReadAsStringAsync(ct));
        Assert.Contains("too many requests", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthChecksAreNeverLimited()
    {
        await using var gateway = LimitedGateway();
        using var http = gateway.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            using var response = await http.GetAsync("/health/live", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task GrpcCallsOverTheBurstAreResourceExhaustedWithRetryAfter()
    {
        await using var gateway = LimitedGateway();
        using var channel = GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });
        var invoker = channel.CreateCallInvoker();
        var ct = TestContext.Current.CancellationToken;

        var statuses = new List<StatusCode>();
        for (var i = 0; i < 4; i++)
        {
            try
            {
                await invoker.AsyncUnaryCall(GetStats, null, new CallOptions(cancellationToken: ct), new Rpc.GetStatsRequest());
                statuses.Add(StatusCode.OK);
            }
            catch (RpcException e)
            {
                statuses.Add(e.StatusCode);
                if (e.StatusCode == StatusCode.ResourceExhausted)
                {
                    Assert.Equal("1", e.Trailers.GetValue("retry-after"));
                    Assert.Contains("too many requests", e.Status.Detail, StringComparison.Ordinal);
                }
            }
        }

        // Retrieval is a closed port: the first three get through the limiter and fail downstream.
        Assert.Equal([StatusCode.Unavailable, StatusCode.Unavailable, StatusCode.Unavailable, StatusCode.ResourceExhausted], statuses);
    }

    [Fact]
    public async Task ForwardedForFromAnUntrustedPeerDoesNotChangeTheBucket()
    {
        await using var gateway = LimitedGateway(("Gateway:TrustedProxies:0", "10.0.0.9"));

        // Four requests from one peer, each claiming another client: the claims are ignored, so the fourth is over the burst.
        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await StatusFrom(gateway, "10.0.0.1", $"203.0.113.{i}"));
        }

        Assert.Equal([400, 400, 400, 429], statuses);
    }

    [Fact]
    public async Task ForwardedForFromATrustedProxyIsTheClient()
    {
        await using var gateway = LimitedGateway(("Gateway:TrustedProxies:0", "10.0.0.0/24"));

        // One proxy, many clients behind it: each client has its own bucket.
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await StatusFrom(gateway, "10.0.0.9", $"203.0.113.{i}"));
        }

        // And one client behind it still has only its own burst.
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(await StatusFrom(gateway, "10.0.0.9", "198.51.100.7"));
        }

        var limited = await StatusFrom(gateway, "10.0.0.9", "198.51.100.7");
        Assert.All(statuses, s => Assert.Equal(400, s));
        Assert.Equal(429, limited);
    }

    [Fact]
    public async Task LoopbackIsNotTrustedByDefault()
    {
        await using var gateway = LimitedGateway();

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await StatusFrom(gateway, "127.0.0.1", $"203.0.113.{i}"));
        }

        Assert.Equal([400, 400, 400, 429], statuses);
    }

    /// <summary>An empty query (400 without any downstream call) from <paramref name="peer"/>, forwarded for <paramref name="forwardedFor"/>.</summary>
    private static async Task<int> StatusFrom(IsolatedGateway gateway, string peer, string forwardedFor)
    {
        var context = await gateway.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = "/api/search";
            http.Request.QueryString = new QueryString("?q=");
            http.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }, TestContext.Current.CancellationToken);
        return context.Response.StatusCode;
    }

    private static IsolatedGateway LimitedGateway(params (string Key, string Value)[] settings) =>
        new([("Gateway:RateLimit:PermitsPerSecond", "1"), ("Gateway:RateLimit:Burst", "3"), .. settings]);
}
