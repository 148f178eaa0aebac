using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Search.Gateway.QueryLog;
using Search.Hosting;
using Search.TestKit;
using Rpc = Search.Contracts.V1;
using static Search.Gateway.Tests.HarwickReview;

namespace Search.Gateway.Tests;

/// <summary>
/// Gateway replicas sharing one PostgreSQL database (Gateway:Store:Postgres) on a real server, with
/// <see cref="FakeStages"/> behind them: a review action one replica acknowledged is listed and applied by the other,
/// and their query logs are one log. A store that does not answer makes review actions 503 / UNAVAILABLE, never a 500,
/// while searches go on (their query log entries dropped and counted).
/// </summary>
public sealed class SharedReviewTests(PostgresFixture server) : IClassFixture<PostgresFixture>, IAsyncLifetime
{

    private static readonly Method<Rpc.ConfirmRequest, Rpc.ReviewActionResponse> ConfirmMethod =
        GrpcMethods.Unary<Rpc.ConfirmRequest, Rpc.ReviewActionResponse>(Rpc.Review.Descriptor, "Confirm");

    private FakeStages _stages = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _stages = await StartStagesAsync();

    public async ValueTask DisposeAsync() => await _stages.DisposeAsync();

    [Fact]
    public async Task AnActionAcknowledgedByOneReplicaIsListedAndAppliedByTheOther()
    {
        var database = await server.CreateDatabaseAsync(Cancel);
        await using var one = Replica(database);
        await using var two = Replica(database);
        using var httpOne = one.CreateClient();
        using var httpTwo = two.CreateClient();
        Assert.Equal(TownText, await AnswerAsync(httpTwo));

        var block = await ActAsync(httpOne, "block", """{"query":"Who designed the Harwick bridge?","passage_id":"town#0","scope":"document"}""");
        var listed = (await GetAsync(httpTwo, "/api/review/item?q=" + Uri.EscapeDataString(Question))).GetProperty("actions");
        // The other replica reads the store every Gateway:Review:RefreshMs; no time is asserted here.
        await WaitUntilAsync(async () => await AnswerAsync(httpTwo) == DesignText);

        var undo = await ActAsync(httpTwo, "undo", $$"""{"action_id":"{{block.GetProperty("id").GetString()}}"}""");
        await WaitUntilAsync(async () => await AnswerAsync(httpOne) == TownText);
        using var twice = await httpOne.SendAsync(Post("/api/review/undo", $$"""{"action_id":"{{block.GetProperty("id").GetString()}}"}"""), Cancel);

        Assert.Equal(block.GetProperty("id").GetString(), Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(block.GetProperty("id").GetString(), undo.GetProperty("undo_of").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("was already undone", await twice.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var export = await GetAsync(httpOne, "/api/review/export");
        Assert.Empty(export.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task TheQueryLogsOfTwoReplicasAreOneLog()
    {
        var database = await server.CreateDatabaseAsync(Cancel);
        await using var one = Replica(database);
        await using var two = Replica(database);
        using var httpOne = one.CreateClient();
        using var httpTwo = two.CreateClient();

        // A keyword query gets no box: the abstained queue counts it, whichever replica it was asked on.
        await SearchAsync(httpOne, "harwick bridge");
        await SearchAsync(httpTwo, "harwick bridge");
        await SearchAsync(httpTwo, "harwick bridge");
        await SearchAsync(httpOne, Question);
        var logOne = one.Services.GetRequiredService<IQueryLogStore>();
        await WaitUntilAsync(async () => (await logOne.ListAsync(10, Cancel)).Count == 4);

        var queues = await GetAsync(httpTwo, "/api/review/queues");
        var abstained = Assert.Single(queues.GetProperty("abstained").EnumerateArray());
        Assert.Equal("harwick bridge", abstained.GetProperty("query").GetString());
        Assert.Equal("3", abstained.GetProperty("count").GetString());
        Assert.Equal(Question, Assert.Single(queues.GetProperty("low_confidence").EnumerateArray()).GetProperty("query").GetString());
        Assert.Equal(4, (await two.Services.GetRequiredService<IQueryLogStore>().ListAsync(10, Cancel)).Count);
    }

    [Fact]
    public async Task AStoreThatDoesNotAnswerMakesReviewUnavailableWhileSearchesGoOn()
    {
        // Nothing listens there.
        await using var gateway = Replica($"Host=127.0.0.1;Port={LoopbackPorts.Free()};Username=search;Timeout=5");
        using var http = gateway.CreateClient();
        using var channel = GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });
        var meters = gateway.Services.GetRequiredService<IMeterFactory>();
        using var dropped = new CounterTotal(meters, "search.querylog.dropped");

        var answer = await AnswerAsync(http);
        using var block = await http.SendAsync(Post("/api/review/block", """{"query":"Who designed the Harwick bridge?","passage_id":"town#0","scope":"document"}"""), Cancel);
        using var undo = await http.SendAsync(Post("/api/review/undo", """{"action_id":"abc"}"""), Cancel);
        using var queues = await http.SendAsync(Request(HttpMethod.Get, "/api/review/queues"), Cancel);
        using var export = await http.SendAsync(Request(HttpMethod.Get, "/api/review/export"), Cancel);
        var confirm = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(ConfirmMethod, null,
            new CallOptions(new Metadata { { "x-api-key", ReviewKey } }, cancellationToken: Cancel),
            new Rpc.ConfirmRequest { Query = Question, PassageId = "town#0" }).ResponseAsync);
        await WaitUntilAsync(() => Task.FromResult(dropped.Total >= 1));

        Assert.Equal(TownText, answer);
        foreach (var response in new[] { block, undo, queues, export })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("review store is unavailable", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Equal(StatusCode.Unavailable, confirm.StatusCode);
        Assert.Contains("review store is unavailable", confirm.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOlderFeedbackSettingStillPutsEveryStoreInPostgres()
    {
        var database = await server.CreateDatabaseAsync(Cancel);
        await using var older = _stages.Gateway(("Gateway:Review:ApiKey", ReviewKey), ("Gateway:Feedback:Postgres", database));
        await using var newer = Replica(database);
        using var httpOlder = older.CreateClient();
        using var httpNewer = newer.CreateClient();

        var confirm = await ActAsync(httpOlder, "confirm", """{"query":"Who designed the Harwick bridge?","passage_id":"town#0"}""");

        var listed = (await GetAsync(httpNewer, "/api/review/item?q=" + Uri.EscapeDataString(Question))).GetProperty("actions");
        Assert.Equal(confirm.GetProperty("id").GetString(), Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task AConnectionStringThatCannotBeParsedStopsStartUpNamingTheSetting()
    {
        await using var gateway = Replica("Host=127.0.0.1;NoSuchKeyword=1");

        var e = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        Assert.Contains("Gateway:Store:Postgres", e.ToString(), StringComparison.Ordinal);
    }

    private IsolatedGateway Replica(string connectionString) =>
        _stages.Gateway(("Gateway:Review:ApiKey", ReviewKey), ("Gateway:Store:Postgres", connectionString));

    private static async Task<string?> AnswerAsync(HttpClient http) =>
        (await SearchAsync(http, Question)).GetProperty("answer").GetProperty("text").GetString();
}
