using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// Feedback over REST and gRPC in a real gateway host (downstream addresses closed, which feedback never needs) with
/// its SQLite database in a temp folder: valid feedback is stored and listed, bad feedback is a 400 / INVALID_ARGUMENT
/// with a message and stores nothing, and feedback has its own rate limit.
/// </summary>
public sealed class FeedbackApiTests : IDisposable
{
    private const string Key = "test-ingest-key";
    private const string ReviewKey = "test-review-key";

    private static readonly Method<Rpc.FeedbackRequest, Rpc.FeedbackResponse> Feedback =
        GrpcMethods.Unary<Rpc.FeedbackRequest, Rpc.FeedbackResponse>(Rpc.Gateway.Descriptor, "Feedback");

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("feedback-api-");

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{}", "kind is required" },
        { """{"kind":"","query":"q","answer":"a"}""", "kind is required" },
        { """{"kind":"meh","query":"q","answer":"a"}""", "kind 'meh' is not one of helpful, not_helpful, wrong_answer" },
        { """{"kind":"Helpful","query":"q","answer":"a"}""", "is not one of" },
        { """{"kind":"helpful","answer":"a"}""", "query is required" },
        { """{"kind":"helpful","query":"   ","answer":"a"}""", "query is required" },
        { """{"kind":"helpful","query":"q"}""", "answer is required" },
        { $$"""{"kind":"helpful","query":"{{new string('q', 1001)}}","answer":"a"}""", "query has 1001 characters; at most 1000" },
        { $$"""{"kind":"helpful","query":"q","answer":"{{new string('a', 2001)}}"}""", "answer has 2001 characters; at most 2000" },
        { $$"""{"kind":"wrong_answer","query":"q","answer":"a","correction":"{{new string('c', 2001)}}"}""", "correction has 2001 characters; at most 2000" },
        { $$"""{"kind":"helpful","query":"q","answer":"a","passage_id":"{{new string('p', 513)}}"}""", "passage_id has 513 characters" },
        { """{"kind":"helpful","query":"q\u0007","answer":"a"}""", "query holds a control character (U+0007)" },
        { """{"kind":"helpful","query":"line\nbreak","answer":"a"}""", "query holds a control character (U+000A)" },
        { """{"kind":"helpful","query":"q","answer":"a\u001b[31m"}""", "answer holds a control character (U+001B)" },
        { """{"kind":"helpful","query":"q","answer":"a","model_version":"v\u0000"}""", "model_version holds a control character" },
        // A lone surrogate is refused by the JSON reader already; FeedbackRulesTests checks the rule behind it.
        { """{"kind":"helpful","query":"q\ud800","answer":"a"}""", "not a feedback object" },
        { """{"kind":"helpful","query":"q","answer":"a","correction":"b"}""", "a correction goes only with kind wrong_answer" },
        { "", "not a feedback object" },
        { "not json", "not a feedback object" },
        { "[1,2]", "not a feedback object" },
        { """{"kind":3,"query":"q","answer":"a"}""", "not a feedback object" },
        { """{"kind":"helpful","query":"q","answer":"a"} trailing""", "not a feedback object" },
        { "null", "the body is empty" },
    };

    public static TheoryData<Rpc.FeedbackRequest, string> BadRequests => new()
    {
        { new Rpc.FeedbackRequest { Query = "q", Answer = "a" }, "kind is required" },
        { new Rpc.FeedbackRequest { Kind = (Rpc.FeedbackKind)9, Query = "q", Answer = "a" }, "kind '9' is not one of" },
        { new Rpc.FeedbackRequest { Kind = Rpc.FeedbackKind.Helpful, Answer = "a" }, "query is required" },
        { new Rpc.FeedbackRequest { Kind = Rpc.FeedbackKind.Helpful, Query = "q" }, "answer is required" },
        { new Rpc.FeedbackRequest { Kind = Rpc.FeedbackKind.Helpful, Query = new string('q', 1001), Answer = "a" }, "at most 1000" },
        { new Rpc.FeedbackRequest { Kind = Rpc.FeedbackKind.WrongAnswer, Query = "q", Answer = "a", Correction = new string('c', 2001) }, "at most 2000" },
        { new Rpc.FeedbackRequest { Kind = Rpc.FeedbackKind.Helpful, Query = "q\u0085q", Answer = "a" }, "control character (U+0085)" },
        { new Rpc.FeedbackRequest { Kind = Rpc.FeedbackKind.NotHelpful, Query = "q", Answer = "a", Correction = "b" }, "only with kind wrong_answer" },
    };

    [Fact]
    public async Task RestFeedbackIsStoredAndListedWithTheReviewerKeyOnly()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var posted = await http.PostAsync("/api/feedback", Json("""
            {"kind":"wrong_answer","query":"Who designed the bridge?","answer":"Harwick","passage_id":"bridge#0",
             "model_version":"answer-test","correction":"Ada Moreau\n(the engineer)"}
            """), ct);
        using var noKey = await http.GetAsync("/api/feedback", ct);
        using var wrongKey = await http.SendAsync(List("not-the-key"), ct);
        using var ingestKey = await http.SendAsync(List(Key), ct);
        using var listed = await http.SendAsync(List(ReviewKey), ct);

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        using var ack = JsonDocument.Parse(await posted.Content.ReadAsStringAsync(ct));
        var id = ack.RootElement.GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        // The ingest key writes documents; what people said about answers is for reviewers.
        Assert.Equal(HttpStatusCode.Forbidden, ingestKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using var list = JsonDocument.Parse(await listed.Content.ReadAsStringAsync(ct));
        var entry = Assert.Single(list.RootElement.GetProperty("feedback").EnumerateArray());
        Assert.Equal(id, entry.GetProperty("id").GetString());
        Assert.Equal("wrong_answer", entry.GetProperty("kind").GetString());
        Assert.Equal("Who designed the bridge?", entry.GetProperty("query").GetString());
        Assert.Equal("Harwick", entry.GetProperty("answer").GetString());
        Assert.Equal("bridge#0", entry.GetProperty("passage_id").GetString());
        Assert.Equal("answer-test", entry.GetProperty("model_version").GetString());
        Assert.Equal("Ada Moreau\n(the engineer)", entry.GetProperty("correction").GetString());
    }

    [Fact]
    public async Task ListingFeedbackIsRefusedWhenTheGatewayHasNoReviewerKey()
    {
        await using var gateway = new IsolatedGateway(("Gateway:IngestApiKey", Key), ("Gateway:Review:ApiKey", ""), ("Gateway:Feedback:Database", DatabasePath));
        using var http = gateway.CreateClient();

        using var listed = await http.SendAsync(List("anything"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, listed.StatusCode);
    }

    [Fact]
    public async Task ADatabaseThatCannotBeOpenedStopsStartUpNamingTheSetting()
    {
        // A file where the database's folder should be.
        var blocker = Path.Combine(_folder.FullName, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "", TestContext.Current.CancellationToken);
        await using var gateway = new IsolatedGateway(("Gateway:Feedback:Database", Path.Combine(blocker, "feedback.db")));

        var e = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        Assert.Contains("Gateway:Feedback:Database", e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadRestFeedbackIs400WithAMessageAndStoresNothing(string body, string message)
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var response = await http.PostAsync("/api/feedback", Json(body), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await Detail(response), StringComparison.Ordinal);
        Assert.Empty(await ListedIds(http));
    }

    [Fact]
    public async Task AnOversizedRestBodyIs400()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        var body = $$"""{"kind":"helpful","query":"q","answer":"a","padding":"{{new string('x', 70_000)}}"}""";

        using var response = await http.PostAsync("/api/feedback", Json(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("65536", await Detail(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcFeedbackIsStoredAndListed()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        using var channel = Channel(gateway);
        var ct = TestContext.Current.CancellationToken;

        var response = await channel.CreateCallInvoker().AsyncUnaryCall(Feedback, null, new CallOptions(cancellationToken: ct), new Rpc.FeedbackRequest
        {
            Kind = Rpc.FeedbackKind.NotHelpful, Query = "这座桥是谁设计的？", Answer = "哈威克镇", PassageId = "bridge#1",
        });

        Assert.False(string.IsNullOrEmpty(response.Id));
        Assert.Equal([response.Id], await ListedIds(http));
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadGrpcFeedbackIsInvalidArgumentWithAMessageAndStoresNothing(Rpc.FeedbackRequest request, string message)
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        using var channel = Channel(gateway);
        var ct = TestContext.Current.CancellationToken;

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            channel.CreateCallInvoker().AsyncUnaryCall(Feedback, null, new CallOptions(cancellationToken: ct), request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(await ListedIds(http));
    }

    [Fact]
    public async Task FeedbackOverItsOwnBurstIs429OverRestAndResourceExhaustedOverGrpc()
    {
        await using var gateway = Gateway(("Gateway:Feedback:PermitsPerMinute", "1"), ("Gateway:Feedback:Burst", "2"));
        using var http = gateway.CreateClient();
        using var channel = Channel(gateway);
        var ct = TestContext.Current.CancellationToken;
        const string valid = """{"kind":"helpful","query":"q","answer":"a"}""";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsync("/api/feedback", Json(valid), ct);
            statuses.Add(response.StatusCode);
        }

        // The in-process client and channel come from one address, so gRPC finds the bucket already empty.
        var e = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(
            Feedback, null, new CallOptions(cancellationToken: ct), new Rpc.FeedbackRequest { Kind = Rpc.FeedbackKind.Helpful, Query = "q", Answer = "a" }).ResponseAsync);
        // Searches are not held back by the feedback limit (an empty query is a 400 without any downstream call).
        using var search = await http.GetAsync("/api/search?q=", ct);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, search.StatusCode);
        Assert.Equal(2, (await ListedIds(http)).Count);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private string DatabasePath => Path.Combine(_folder.FullName, "feedback.db");

    private IsolatedGateway Gateway(params (string Key, string Value)[] settings) =>
        new([("Gateway:IngestApiKey", Key), ("Gateway:Review:ApiKey", ReviewKey), ("Gateway:Feedback:Database", DatabasePath), .. settings]);

    private static GrpcChannel Channel(IsolatedGateway gateway) =>
        GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpRequestMessage List(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/feedback?limit=1000");
        request.Headers.Add("X-Api-Key", key);
        return request;
    }

    private static async Task<List<string>> ListedIds(HttpClient http)
    {
        using var response = await http.SendAsync(List(ReviewKey), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return [.. json.RootElement.GetProperty("feedback").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
    }

    private static async Task<string> Detail(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("detail").GetString() ?? "";
    }
}
