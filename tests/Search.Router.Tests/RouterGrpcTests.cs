using Search.TestKit;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Rpc = Search.Contracts.V1;

namespace Search.Router.Tests;

/// <summary>The Router service through a real ASP.NET Core host (TestServer) and a real gRPC channel.</summary>
public sealed class RouterGrpcTests(SignedHost<Program> factory) : IClassFixture<SignedHost<Program>>
{
    private static readonly Method<Rpc.RouteRequest, Rpc.RouteResponse> RouteMethod =
        GrpcMethods.Unary<Rpc.RouteRequest, Rpc.RouteResponse>(Rpc.Router.Descriptor, "Route");

    [Fact]
    public async Task RouteAnswersAnEnglishQuestion()
    {
        var route = await RouteAsync("  Who discovered penicillin?  ");

        Assert.Equal("Who discovered penicillin?", route.NormalizedQuery);
        Assert.Equal(Rpc.Language.En, route.Language);
        Assert.Equal(Rpc.Intent.Question, route.Intent);
        Assert.Equal(Rpc.AnswerType.Person, route.AnswerType);
        Assert.True(route.ShouldAnswer);
        Assert.NotEmpty(route.Reason);
    }

    [Fact]
    public async Task RouteDetectsTraditionalChineseAndTheTimeItAsks()
    {
        var route = await RouteAsync("長城是什麼時候建造的");

        Assert.Equal(Rpc.Language.ZhHant, route.Language);
        Assert.Equal(Rpc.Intent.Question, route.Intent);
        Assert.Equal(Rpc.AnswerType.Time, route.AnswerType);
    }

    [Fact]
    public async Task RouteLetsTheLanguageHintWin()
    {
        var route = await RouteAsync("北京", "zh-Hant");

        Assert.Equal(Rpc.Language.ZhHant, route.Language);
    }

    [Fact]
    public async Task RouteSendsSiteSearchesWithoutAnswer()
    {
        var route = await RouteAsync("github.com");

        Assert.Equal(Rpc.Intent.Navigational, route.Intent);
        Assert.False(route.ShouldAnswer);
    }

    [Theory(DisableDiscoveryEnumeration = true)]
    [InlineData("", "", "empty")]
    [InlineData(" \t\u200B\n ", "", "empty")]
    [InlineData("who wrote hamlet", "fr", "zh-Hans")]
    public async Task RouteRejectsBadInputWithInvalidArgument(string query, string hint, string messagePart)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => RouteAsync(query, hint));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(messagePart, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteRejectsAQueryOverTheLimitNamingIt()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => RouteAsync(new string('a', 1001)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("1000", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostileQueries.All), MemberType = typeof(HostileQueries), DisableDiscoveryEnumeration = true)]
    public async Task RouteGivesAResultOrInvalidArgumentForHostileInput(string query)
    {
        try
        {
            var route = await RouteAsync(query);
            Assert.NotEmpty(route.NormalizedQuery);
        }
        catch (RpcException ex)
        {
            // A message over the router's receive limit (Service:Grpc:MaxReceiveMessageBytes, 64 KB) is gRPC's own refusal.
            var expected = System.Text.Encoding.UTF8.GetByteCount(query) > 64 * 1024 ? StatusCode.ResourceExhausted : StatusCode.InvalidArgument;
            Assert.Equal(expected, ex.StatusCode);
        }
    }

    [Fact]
    public async Task RouteUsesTheLimitFromConfiguration()
    {
        using var strict = factory.WithWebHostBuilder(b => b.UseSetting("Router:MaxQueryLength", "10"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => RouteAsync(strict, "who wrote hamlet"));

        Assert.Equal("query has 16 characters; at most 10 are accepted", ex.Status.Detail);
    }

    [Fact]
    public void StartFailsOnAnInvalidSettingNamingIt()
    {
        using var broken = factory.WithWebHostBuilder(b => b.UseSetting("Router:MaxQueryLength", "0"));

        var logged = StartFailure.Of(broken);

        Assert.Contains(logged, l => l.Contains("MaxQueryLength", StringComparison.Ordinal));
    }

    private Task<Rpc.Route> RouteAsync(string query, string hint = "") => RouteAsync(factory, query, hint);

    private static async Task<Rpc.Route> RouteAsync(WebApplicationFactory<Program> host, string query, string hint = "")
    {
        using var channel = GrpcChannel.ForAddress(
            host.Server.BaseAddress,
            new GrpcChannelOptions { HttpHandler = host.Server.CreateHandler() });
        var request = new Rpc.RouteRequest { Query = query, LanguageHint = hint };
        var response = await channel.CreateSignedInvoker()
            .AsyncUnaryCall(RouteMethod, host: null, new CallOptions(cancellationToken: TestContext.Current.CancellationToken), request);
        return response.Route;
    }
}
