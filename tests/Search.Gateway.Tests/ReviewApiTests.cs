using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Search.Evaluation.Datasets;
using Search.Gateway.QueryLog;
using Search.TestKit;
using Rpc = Search.Contracts.V1;
using static Search.Gateway.Tests.HarwickReview;

namespace Search.Gateway.Tests;

/// <summary>
/// The review console in a real gateway host whose stages are <see cref="FakeStages"/> (retrieval returns two
/// passages of two documents; the scripted answer stage answers from the first passage it is sent) and whose SQLite
/// database is in a temp folder: the reviewer key over REST and gRPC, every input checked, a curated answer shown first
/// and marked reviewed, a block that moves the answer to the next passage, undo, the queues and the export.
/// </summary>
public sealed class ReviewApiTests : IAsyncLifetime
{
    private const string IngestKey = "test-ingest-key";

    private static readonly Method<Rpc.CorrectRequest, Rpc.ReviewActionResponse> CorrectMethod =
        GrpcMethods.Unary<Rpc.CorrectRequest, Rpc.ReviewActionResponse>(Rpc.Review.Descriptor, "Correct");

    private static readonly Method<Rpc.ListQueuesRequest, Rpc.ReviewQueues> ListQueuesMethod =
        GrpcMethods.Unary<Rpc.ListQueuesRequest, Rpc.ReviewQueues>(Rpc.Review.Descriptor, "ListQueues");

    private static readonly Method<Rpc.UndoRequest, Rpc.ReviewActionResponse> UndoMethod =
        GrpcMethods.Unary<Rpc.UndoRequest, Rpc.ReviewActionResponse>(Rpc.Review.Descriptor, "Undo");

    private static readonly Method<Rpc.SearchRequest, Rpc.SearchResponse> SearchMethod =
        GrpcMethods.Unary<Rpc.SearchRequest, Rpc.SearchResponse>(Rpc.Gateway.Descriptor, "Search");

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("review-api-");
    private FakeStages _stages = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> BadActions => new()
    {
        { "correct", "", "the body is empty" },
        { "correct", "not json", "the body is not a CorrectRequest" },
        { "correct", """{"query":"q","unknown":1}""", "the body is not a CorrectRequest" },
        { "correct", "{}", "query is required" },
        { "correct", """{"query":"   "}""", "query is required" },
        { "correct", $$"""{"query":"{{new string('q', 1001)}}"}""", "query has 1001 characters; at most 1000" },
        { "correct", """{"query":"who\u0007?"}""", "query holds a control character (U+0007)" },
        { "correct", """{"query":"Who designed the Harwick bridge?"}""", "a correction needs span" },
        { "correct", """{"query":"Who designed the Harwick bridge?","span":{"passage_id":"nope#9","start":0,"end":3}}""", "passage 'nope#9' is not among the passages" },
        { "correct", """{"query":"Who designed the Harwick bridge?","span":{"passage_id":"design#0","start":5,"end":2}}""", "must mark a non-empty range inside the passage's 54 characters" },
        { "correct", """{"query":"Who designed the Harwick bridge?","span":{"passage_id":"design#0","start":0,"end":500}}""", "must mark a non-empty range" },
        { "correct", """{"query":"Who designed the Harwick bridge?","span":{"passage_id":"design#0","start":3,"end":4}}""", "marks only spaces" },
        { "correct", """{"query":"Who designed the Harwick bridge?","span":{"passage_id":"design#0","start":0,"end":3},"written":{"text":"x"}}""", "either span or written, not both" },
        { "correct", """{"query":"Who designed the Harwick bridge?","written":{"text":"","source_url":"https://a.example","source_title":"A"}}""", "written.text is required" },
        { "correct", $$$"""{"query":"Who designed the Harwick bridge?","written":{"text":"{{{new string('a', 2001)}}}","source_url":"https://a.example","source_title":"A"}}""", "written.text has 2001 characters" },
        { "correct", """{"query":"Who designed the Harwick bridge?","written":{"text":"Ada","source_url":"javascript:alert(1)","source_title":"A"}}""", "must be an absolute http or https address" },
        { "correct", """{"query":"Who designed the Harwick bridge?","written":{"text":"Ada","source_url":"/relative","source_title":"A"}}""", "must be an absolute http or https address" },
        { "correct", """{"query":"Who designed the Harwick bridge?","written":{"text":"Ada","source_url":"https://a.example"}}""", "written.source_title is required" },
        { "correct", """{"query":"Who designed the Harwick bridge?","written":{"text":"Ada\u001b[31m","source_url":"https://a.example","source_title":"A"}}""", "written.text holds a control character (U+001B)" },
        { "confirm", """{"query":"Who designed the Harwick bridge?"}""", "passage_id is required" },
        { "confirm", """{"query":"Who designed the Harwick bridge?","passage_id":"design\u0007#0"}""", "passage_id holds a control character (U+0007)" },
        { "block", """{"query":"Who designed the Harwick bridge?","passage_id":"town#0"}""", "scope is required: passage or document" },
        { "block", """{"query":"Who designed the Harwick bridge?","passage_id":"town#0","scope":"everything"}""", "scope 'everything' is not one of passage, document" },
        { "block", """{"query":"Who designed the Harwick bridge?","passage_id":"<script>","scope":"passage"}""", "is not among the passages" },
        { "undo", "{}", "action_id is required" },
        { "undo", """{"action_id":"no-such-action"}""", "there is no review action 'no-such-action'" },
        { "undo", $$"""{"action_id":"{{new string('a', 65)}}"}""", "action_id has 65 characters" },
    };

    public async ValueTask InitializeAsync() => _stages = await StartStagesAsync();

    public async ValueTask DisposeAsync()
    {
        await _stages.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task ReviewOverRestNeedsTheReviewerKeyNotTheIngestKey()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        var statuses = new List<(HttpStatusCode, string)>();
        foreach (var key in new string?[] { null, "wrong-key", IngestKey, ReviewKey })
        {
            using var response = await http.SendAsync(Request(HttpMethod.Get, "/api/review/queues", key), Cancel);
            statuses.Add((response.StatusCode, response.StatusCode == HttpStatusCode.OK ? "" : await Detail(response)));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0].Item1);
        Assert.Contains("review needs the reviewer key in the X-Api-Key header", statuses[0].Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, statuses[1].Item1);
        Assert.Equal(HttpStatusCode.Forbidden, statuses[2].Item1);
        Assert.Contains("the ingest key does not open review", statuses[2].Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, statuses[3].Item1);
    }

    [Fact]
    public async Task ReviewOverGrpcNeedsTheReviewerKeyNotTheIngestKey()
    {
        await using var gateway = Gateway();
        using var channel = Channel(gateway);

        var codes = new List<RpcException>();
        foreach (var key in new string?[] { null, "wrong-key", IngestKey })
        {
            codes.Add(await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(
                ListQueuesMethod, null, Options(key), new Rpc.ListQueuesRequest()).ResponseAsync));
        }

        var queues = await channel.CreateCallInvoker().AsyncUnaryCall(ListQueuesMethod, null, Options(ReviewKey), new Rpc.ListQueuesRequest());

        Assert.Equal([StatusCode.Unauthenticated, StatusCode.Unauthenticated, StatusCode.PermissionDenied], codes.Select(e => e.StatusCode));
        Assert.Contains("reviewer key", codes[0].Status.Detail, StringComparison.Ordinal);
        Assert.Contains("the ingest key does not open review", codes[2].Status.Detail, StringComparison.Ordinal);
        Assert.Empty(queues.Reported);
    }

    [Fact]
    public async Task AGatewayWithoutAReviewerKeyOrWithTheIngestKeyAsReviewerKeyRefusesReview()
    {
        await using var none = Gateway(("Gateway:Review:ApiKey", ""));
        await using var same = Gateway(("Gateway:Review:ApiKey", IngestKey));
        using var noneHttp = none.CreateClient();
        using var sameHttp = same.CreateClient();
        using var noneChannel = Channel(none);

        using var refused = await noneHttp.SendAsync(Request(HttpMethod.Get, "/api/review/queues", "anything"), Cancel);
        using var sameRefused = await sameHttp.SendAsync(Request(HttpMethod.Get, "/api/review/queues", IngestKey), Cancel);
        var grpc = await Assert.ThrowsAsync<RpcException>(() => noneChannel.CreateCallInvoker().AsyncUnaryCall(
            ListQueuesMethod, null, Options("anything"), new Rpc.ListQueuesRequest()).ResponseAsync);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("no Gateway:Review:ApiKey is configured", await Detail(refused), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, sameRefused.StatusCode);
        Assert.Contains("must differ from Gateway:IngestApiKey", await Detail(sameRefused), StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, grpc.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadActions))]
    public async Task EveryBadActionIs400WithAMessageAndChangesNothing(string action, string body, string message)
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        using var response = await http.SendAsync(Post($"/api/review/{action}", body), Cancel);
        var search = await SearchAsync(http, Question);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await Detail(response), StringComparison.Ordinal);
        Assert.False(search.GetProperty("answer").GetProperty("reviewed").GetBoolean());
    }

    [Theory]
    [InlineData("/api/review/queues?limit=abc", "limit must be a whole number from 1 to 200")]
    [InlineData("/api/review/queues?limit=201", "limit must be from 1 to 200")]
    [InlineData("/api/review/queues?limit=-1", "limit must be from 1 to 200")]
    [InlineData("/api/review/item", "query is required")]
    [InlineData("/api/review/item?q=%20%20", "query is required")]
    [InlineData("/api/review/item?q=a%00b", "query holds a control character (U+0000)")]
    public async Task BadQueueAndItemRequestsAre400WithAMessage(string path, string message)
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        using var response = await http.SendAsync(Request(HttpMethod.Get, path, ReviewKey), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await Detail(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOversizedActionBodyIs400()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        using var response = await http.SendAsync(Post("/api/review/correct", $$"""{"query":"{{new string('q', 70_000)}}"}"""), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("65536", await Detail(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnActionTakenOnOneGatewayReachesAnotherOnTheSameDatabase()
    {
        var database = ("Gateway:Feedback:Database", Path.Combine(_folder.FullName, "shared.db"));
        await using var first = Gateway(database);
        await using var second = Gateway(database);
        using var firstHttp = first.CreateClient();
        using var secondHttp = second.CreateClient();
        Assert.Equal(TownText, (await SearchAsync(secondHttp, Question)).GetProperty("answer").GetProperty("text").GetString());

        await ActAsync(firstHttp, "block", """{"query":"Who designed the Harwick bridge?","passage_id":"town#0","scope":"document"}""");
        var onFirst = await SearchAsync(firstHttp, Question);
        // The other gateway reads the store every Gateway:Review:RefreshMs; no time is asserted here.
        while ((await SearchAsync(secondHttp, Question)).GetProperty("answer").GetProperty("text").GetString() != DesignText)
        {
            await Task.Delay(50, Cancel);
        }

        Assert.Equal(DesignText, onFirst.GetProperty("answer").GetProperty("text").GetString());
    }

    [Fact]
    public async Task BadActionsOverGrpcAreInvalidArgumentWithAMessage()
    {
        await using var gateway = Gateway();
        using var channel = Channel(gateway);
        var invoker = channel.CreateCallInvoker();

        var unknown = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(CorrectMethod, null, Options(ReviewKey), new Rpc.CorrectRequest
        {
            Query = Question, Span = new Rpc.PassageSpan { PassageId = "nope#0", Start = 0, End = 1 },
        }).ResponseAsync);
        var empty = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(CorrectMethod, null, Options(ReviewKey), new Rpc.CorrectRequest()).ResponseAsync);
        var undo = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(UndoMethod, null, Options(ReviewKey), new Rpc.UndoRequest { ActionId = "x\u0000" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Contains("passage 'nope#0' is not among the passages", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Contains("query is required", empty.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, undo.StatusCode);
        Assert.Contains("control character", undo.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACuratedSpanIsShownFirstMarkedReviewedOverRestGrpcAndTheStreamUntilUndone()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        using var channel = Channel(gateway);
        var before = await SearchAsync(http, Question);
        var start = DesignText.IndexOf("Ada Moreau", StringComparison.Ordinal);

        var corrected = await ActAsync(http, "correct", $$$"""
            {"query":"who designed the harwick  bridge?","span":{"passage_id":"design#0","start":{{{start}}},"end":{{{start + 10}}}}}
            """);
        var rest = await SearchAsync(http, Question);
        var grpc = await channel.CreateCallInvoker().AsyncUnaryCall(SearchMethod, null, new CallOptions(cancellationToken: Cancel), new Rpc.SearchRequest { Query = Question });
        var streamed = await StreamedAnswerAsync(http, Question);
        var answerCalls = _stages.AnswerRequests.Count;
        await ActAsync(http, "undo", $$"""{"action_id":"{{corrected.GetProperty("id").GetString()}}"}""");
        var after = await SearchAsync(http, Question);

        Assert.Equal(TownText, before.GetProperty("answer").GetProperty("text").GetString());
        Assert.Equal("answer-model-test", before.GetProperty("answer").GetProperty("model_version").GetString());
        Assert.Equal("correct", corrected.GetProperty("kind").GetString());
        Assert.Equal("who designed the harwick bridge?", corrected.GetProperty("query").GetString());
        var box = rest.GetProperty("answer");
        Assert.Equal("Ada Moreau", box.GetProperty("text").GetString());
        Assert.True(box.GetProperty("reviewed").GetBoolean());
        Assert.Equal("reviewed", box.GetProperty("model_version").GetString());
        Assert.Equal("The Harwick bridge", box.GetProperty("passage").GetProperty("title").GetString());
        Assert.Equal("https://bridges.example/harwick", box.GetProperty("passage").GetProperty("url").GetString());
        Assert.Equal(DesignText, box.GetProperty("passage").GetProperty("text").GetString());
        Assert.Equal("Ada Moreau", grpc.Answer.Text);
        Assert.True(grpc.Answer.Reviewed);
        Assert.Equal("Ada Moreau", streamed.GetProperty("answer").GetProperty("text").GetString());
        Assert.True(streamed.GetProperty("answer").GetProperty("reviewed").GetBoolean());
        Assert.Equal(TownText, after.GetProperty("answer").GetProperty("text").GetString());
        Assert.False(after.GetProperty("answer").GetProperty("reviewed").GetBoolean());
        Assert.True(_stages.AnswerRequests.Count > answerCalls, "after the undo the answer model is asked again");
    }

    [Fact]
    public async Task AWrittenCorrectionIsShownWithItsSourceAndTheQueryItAnswersIsTheNormalisedOne()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        await ActAsync(http, "correct", """
            {"query":"Who designed the Harwick bridge?","written":{"text":"Ada Moreau <b>designed</b> it.","source_url":"https://records.example/harwick?a=1&b=2","source_title":"Harwick records"}}
            """);
        var search = await SearchAsync(http, "WHO designed the Harwick bridge?");
        var other = await SearchAsync(http, "Who built the Harwick bridge?");

        var box = search.GetProperty("answer");
        Assert.Equal("Ada Moreau <b>designed</b> it.", box.GetProperty("text").GetString());
        Assert.Equal("Ada Moreau <b>designed</b> it.", box.GetProperty("passage").GetProperty("text").GetString());
        Assert.Equal("Harwick records", box.GetProperty("passage").GetProperty("title").GetString());
        Assert.Equal("https://records.example/harwick?a=1&b=2", box.GetProperty("passage").GetProperty("url").GetString());
        Assert.True(box.GetProperty("reviewed").GetBoolean());
        Assert.False(other.GetProperty("answer").GetProperty("reviewed").GetBoolean());
    }

    [Fact]
    public async Task ABlockMovesTheAnswerToTheNextPassageOrRemovesTheBoxAndUndoRestoresIt()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        var town = await ActAsync(http, "block", """{"query":"Who designed the Harwick bridge?","passage_id":"town#0","scope":"passage"}""");
        var next = await SearchAsync(http, Question);
        var design = await ActAsync(http, "block", """{"query":"Who designed the Harwick bridge?","passage_id":"design#0","scope":"document"}""");
        var none = await SearchAsync(http, Question);
        await ActAsync(http, "undo", $$"""{"action_id":"{{town.GetProperty("id").GetString()}}"}""");
        var restored = await SearchAsync(http, Question);
        using var twice = await http.SendAsync(Post("/api/review/undo", $$"""{"action_id":"{{town.GetProperty("id").GetString()}}"}"""), Cancel);

        Assert.Equal("passage", town.GetProperty("scope").GetString());
        Assert.Equal(DesignText, next.GetProperty("answer").GetProperty("text").GetString());
        Assert.Equal("document", design.GetProperty("scope").GetString());
        Assert.False(none.TryGetProperty("answer", out var box) && box.ValueKind != JsonValueKind.Null, "a box is shown though both passages are blocked");
        Assert.Equal(2, none.GetProperty("results").GetArrayLength());
        Assert.Equal(TownText, restored.GetProperty("answer").GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("was already undone", await Detail(twice), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheQueuesListReportedAbstainedAndLowConfidenceQueriesUntilTheyAreReviewed()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        using var feedback = await http.PostAsync("/api/feedback", new StringContent(
            """{"kind":"wrong_answer","query":"Who designed the Harwick bridge?","answer":"Harwick","passage_id":"town#0","correction":"Ada Moreau"}""",
            Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.Created, feedback.StatusCode);
        await SearchAsync(http, Question);
        // A keyword query is not answered: it goes to the abstained queue.
        await SearchAsync(http, "harwick bridge");
        await SearchAsync(http, "harwick bridge");
        await WaitUntilAsync(async () => (await gateway.Services.GetRequiredService<IQueryLogStore>().ListAsync(10, Cancel)).Count == 3);

        var queues = await GetAsync(http, "/api/review/queues");
        await ActAsync(http, "confirm", """{"query":"Who designed the Harwick bridge?","passage_id":"town#0"}""");
        var afterConfirm = await GetAsync(http, "/api/review/queues");
        var item = await GetAsync(http, "/api/review/item?q=" + Uri.EscapeDataString(Question));

        var reported = Assert.Single(queues.GetProperty("reported").EnumerateArray());
        Assert.Equal("who designed the harwick bridge?", reported.GetProperty("query").GetString());
        Assert.Equal("Ada Moreau", reported.GetProperty("correction").GetString());
        Assert.Equal(["wrong_answer"], reported.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
        var abstained = Assert.Single(queues.GetProperty("abstained").EnumerateArray());
        Assert.Equal("harwick bridge", abstained.GetProperty("query").GetString());
        Assert.Equal("2", abstained.GetProperty("count").GetString());
        var low = Assert.Single(queues.GetProperty("low_confidence").EnumerateArray());
        Assert.Equal(Question, low.GetProperty("query").GetString());
        Assert.Equal(0.55, low.GetProperty("confidence").GetDouble());
        Assert.Empty(afterConfirm.GetProperty("reported").EnumerateArray());
        Assert.Empty(afterConfirm.GetProperty("low_confidence").EnumerateArray());
        Assert.Single(afterConfirm.GetProperty("abstained").EnumerateArray());
        Assert.Equal(2, item.GetProperty("candidates").GetArrayLength());
        Assert.Equal(TownText, item.GetProperty("answer").GetProperty("text").GetString());
        Assert.Equal("confirm", Assert.Single(item.GetProperty("actions").EnumerateArray()).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task TheExportIsASquadFileTheEvaluationReaderReads()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        var start = DesignText.IndexOf("Ada Moreau", StringComparison.Ordinal);
        await ActAsync(http, "correct", $$$"""{"query":"Who designed the Harwick bridge?","span":{"passage_id":"design#0","start":{{{start}}},"end":{{{start + 10}}}}}""");
        var town = TownText.LastIndexOf("Harwick", StringComparison.Ordinal);
        await ActAsync(http, "confirm", $$"""{"query":"harwick bridge?","passage_id":"town#0","answer_start":{{town}},"answer_end":{{town + 7}}}""");
        await ActAsync(http, "block", """{"query":"Where is the Harwick bridge?","passage_id":"design#0","scope":"passage"}""");
        var undone = await ActAsync(http, "block", """{"query":"When was the Harwick bridge built?","passage_id":"town#0","scope":"document"}""");
        await ActAsync(http, "undo", $$"""{"action_id":"{{undone.GetProperty("id").GetString()}}"}""");

        using var response = await http.SendAsync(Request(HttpMethod.Get, "/api/review/export", ReviewKey), Cancel);
        using var unauthorised = await http.SendAsync(Request(HttpMethod.Get, "/api/review/export", IngestKey), Cancel);
        var file = SquadReader.Read(new MemoryStream(await response.Content.ReadAsByteArrayAsync(Cancel)), "export");

        Assert.Equal(HttpStatusCode.Forbidden, unauthorised.StatusCode);
        Assert.Equal(
            [("who designed the harwick bridge?", "Ada Moreau", false), ("harwick bridge?", "Harwick", false), ("where is the harwick bridge?", "", true)],
            file.Questions.Select(q => (q.Question, q.Answers.Count > 0 ? q.Answers[0] : "", q.Impossible)));
        Assert.Equal([DesignText, TownText, DesignText], file.Documents.Select(d => d.Text));
        Assert.Equal("https://bridges.example/harwick", file.Documents[0].Url);
        Assert.Equal(file.Documents.Select(d => d.Id), file.Questions.Select(q => q.DocumentId));
    }

    [Fact]
    public async Task TheQueryLogRecordsRestGrpcAndStreamedSearchesWithoutTheRawQuery()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        using var channel = Channel(gateway);

        await SearchAsync(http, "  Who designed the   Harwick bridge?");
        await channel.CreateCallInvoker().AsyncUnaryCall(SearchMethod, null, new CallOptions(cancellationToken: Cancel), new Rpc.SearchRequest { Query = "harwick bridge" });
        _stages.AnswerEvents = [new Rpc.AnswerStreamEvent { Result = new Rpc.AnswerStreamResult { FallbackReason = "no model", Extractive = _stages.Answerer!(Request2()) } }];
        await StreamedAnswerAsync(http, Question);
        var store = gateway.Services.GetRequiredService<IQueryLogStore>();
        await WaitUntilAsync(async () => (await store.ListAsync(10, Cancel)).Count == 3);

        var entries = (await store.ListAsync(10, Cancel)).Reverse().ToList();
        Assert.Equal([Question, "harwick bridge", Question], entries.Select(e => e.Query));
        Assert.Equal([true, false, true], entries.Select(e => e.BoxShown));
        Assert.Equal([0.55, null, 0.55], entries.Select(e => e.Confidence));
        Assert.Equal(["town#0", "", "town#0"], entries.Select(e => e.PassageId));
        Assert.All(entries, e => Assert.Equal("en", e.Language));
        Assert.All(entries, e => Assert.Empty(e.Degraded));
    }

    private static Rpc.AnswerRequest Request2() => new()
    {
        Passages = { Scored("town#0", "town", "Harwick", "https://harwick.example/", TownText, 3) },
    };

    private IsolatedGateway Gateway(params (string Key, string Value)[] settings) => _stages.Gateway(
    [
        ("Gateway:IngestApiKey", IngestKey),
        ("Gateway:Review:ApiKey", ReviewKey),
        ("Gateway:Feedback:Database", Path.Combine(_folder.FullName, Guid.NewGuid().ToString("N") + ".db")),
        .. settings,
    ]);

    private static GrpcChannel Channel(IsolatedGateway gateway) =>
        GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });

    private static CallOptions Options(string? key) =>
        new(headers: key is null ? null : new Metadata { { "x-api-key", key } }, cancellationToken: Cancel);

    /// <summary>The data of the stream's "answer" event.</summary>
    private static async Task<JsonElement> StreamedAnswerAsync(HttpClient http, string query)
    {
        var text = await http.GetStringAsync("/api/search/stream?q=" + Uri.EscapeDataString(query), Cancel);
        var data = text.Split("\n\n").Single(e => e.StartsWith("event: answer\n", StringComparison.Ordinal)).Split("\ndata: ", 2)[1];
        using var json = JsonDocument.Parse(data);
        return json.RootElement.Clone();
    }

    private static async Task<string> Detail(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        return json.RootElement.GetProperty("detail").GetString() ?? "";
    }

}
