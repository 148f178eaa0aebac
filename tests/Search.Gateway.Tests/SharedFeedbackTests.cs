using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Search.Hosting;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// Gateway replicas sharing one PostgreSQL database (Gateway:Feedback:Postgres, the older name of
/// Gateway:Store:Postgres) on a real server: what one replica
/// acknowledged, every replica lists; a shared store that does not answer is a 503 / UNAVAILABLE, never a 500.
/// </summary>
public sealed class SharedFeedbackTests(PostgresFixture server) : IClassFixture<PostgresFixture>
{
    private const string Key = "test-ingest-key";
    private const string ReviewKey = "test-review-key";

    private static readonly Method<Rpc.FeedbackRequest, Rpc.FeedbackResponse> Feedback =
        GrpcMethods.Unary<Rpc.FeedbackRequest, Rpc.FeedbackResponse>(Rpc.Gateway.Descriptor, "Feedback");

    [Fact]
    public async Task TwoReplicasOnOneDatabaseListWhatEitherAcknowledged()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await server.CreateDatabaseAsync(ct);
        await using var one = Replica(database);
        await using var two = Replica(database);
        using var httpOne = one.CreateClient();
        using var httpTwo = two.CreateClient();
        using var channelTwo = GrpcChannel.ForAddress(two.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = two.Server.CreateHandler() });

        using var posted = await httpOne.PostAsync("/api/feedback", Json("""{"kind":"wrong_answer","query":"誰設計了這座橋？","answer":"鎮上","correction":"李工程師"}"""), ct);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        using var ack = JsonDocument.Parse(await posted.Content.ReadAsStringAsync(ct));
        var restId = ack.RootElement.GetProperty("id").GetString()!;
        var grpcId = (await channelTwo.CreateCallInvoker().AsyncUnaryCall(Feedback, null, new CallOptions(cancellationToken: ct),
            new Rpc.FeedbackRequest { Kind = Rpc.FeedbackKind.Helpful, Query = "when was it built?", Answer = "1873" })).Id;

        // Newest first on both replicas: one sequence orders the shared table.
        Assert.Equal([grpcId, restId], await ListedIds(httpOne));
        Assert.Equal([grpcId, restId], await ListedIds(httpTwo));
    }

    [Fact]
    public async Task ASharedStoreThatDoesNotAnswerIs503OverRestAndUnavailableOverGrpc()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = Replica($"Host=127.0.0.1;Port={LoopbackPorts.Free()};Username=search;Timeout=5");
        using var http = gateway.CreateClient();
        using var channel = GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });

        using var posted = await http.PostAsync("/api/feedback", Json("""{"kind":"helpful","query":"q","answer":"a"}"""), ct);
        using var listed = await http.SendAsync(List(), ct);
        var e = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(Feedback, null,
            new CallOptions(cancellationToken: ct), new Rpc.FeedbackRequest { Kind = Rpc.FeedbackKind.Helpful, Query = "q", Answer = "a" }).ResponseAsync);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, posted.StatusCode);
        Assert.Contains("feedback store is unavailable", await posted.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, listed.StatusCode);
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("feedback store is unavailable", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConnectionStringThatCannotBeParsedStopsStartUpNamingTheSetting()
    {
        await using var gateway = Replica("Host=127.0.0.1;NoSuchKeyword=1");

        var e = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        Assert.Contains("Gateway:Feedback:Postgres", e.ToString(), StringComparison.Ordinal);
    }

    private static IsolatedGateway Replica(string connectionString) =>
        new(("Gateway:IngestApiKey", Key), ("Gateway:Review:ApiKey", ReviewKey), ("Gateway:Feedback:Postgres", connectionString));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpRequestMessage List()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/feedback?limit=1000");
        request.Headers.Add("X-Api-Key", ReviewKey);
        return request;
    }

    private static async Task<List<string>> ListedIds(HttpClient http)
    {
        using var response = await http.SendAsync(List(), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return [.. json.RootElement.GetProperty("feedback").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
    }
}
