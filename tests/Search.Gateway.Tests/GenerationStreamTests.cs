using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// SearchStream and /api/search/stream through a real gateway host whose stages are a scripted gRPC server
/// on loopback: results first, then the answer service's tokens in order, then the checked answer.
/// </summary>
public sealed class GenerationStreamTests : IAsyncLifetime
{
    private const string Question = "Who patented the telephone?";
    private FakeStages _stages = null!;

    public async ValueTask InitializeAsync()
    {
        _stages = await FakeStages.StartAsync(TestContext.Current.CancellationToken);
        _stages.Passages = [Passage(0, "The telephone was patented by Alexander Graham Bell in 1876."), Passage(1, "Elisha Gray filed a caveat the same day.")];
    }

    public async ValueTask DisposeAsync() => await _stages.DisposeAsync();

    [Fact]
    public async Task ServerSentEventsCarryResultsThenTokensInOrderThenTheCitedAnswer()
    {
        _stages.AnswerEvents = [Token("Alexander Graham Bell "), Token("patented it [1]"), Token(", before Gray [2]."), Generated("Alexander Graham Bell patented it [1], before Gray [2].", 1, 2)];
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        using var response = await http.GetAsync("/api/search/stream?q=" + Uri.EscapeDataString(Question), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var events = await ReadEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["results", "token", "token", "token", "answer", "done"], events.Select(e => e.Name));
        Assert.Equal(["Alexander Graham Bell ", "patented it [1]", ", before Gray [2]."],
            events.Where(e => e.Name == "token").Select(e => e.Data.GetProperty("text").GetString()));
        // Tokens are provisional until the answer event; this one stands, so nothing is withdrawn.
        Assert.All(events.Where(e => e.Name == "token"), e => Assert.True(e.Data.GetProperty("provisional").GetBoolean()));
        Assert.False(events[4].Data.GetProperty("withdrawn").GetBoolean());

        var results = events[0].Data;
        Assert.Equal(["doc-0#0", "doc-1#0"], results.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("passage_id").GetString()));
        Assert.False(results.TryGetProperty("answer", out _)); // the box comes with the answer event

        var answer = events[4].Data;
        Assert.True(answer.GetProperty("generated_shown").GetBoolean());
        Assert.Equal("Alexander Graham Bell patented it [1], before Gray [2].", answer.GetProperty("generated_text").GetString());
        Assert.Equal(["1:doc-0#0", "2:doc-1#0"], answer.GetProperty("citations").EnumerateArray()
            .Select(c => $"{c.GetProperty("index").GetInt32()}:{c.GetProperty("passage_id").GetString()}"));
        Assert.Equal(2, Assert.Single(_stages.AnswerRequests).Passages.Count);
    }

    [Fact]
    public async Task TheGrpcStreamCarriesResultsThenTokensInOrderThenTheCitedAnswer()
    {
        _stages.AnswerEvents = [Token("Bell "), Token("did [1]."), Generated("Bell did [1].", 1)];
        await using var gateway = Gateway();

        var events = await GrpcStreamAsync(gateway, new Rpc.SearchRequest { Query = Question });

        Assert.Equal(
            [Rpc.SearchStreamEvent.EventOneofCase.Results, Rpc.SearchStreamEvent.EventOneofCase.Token, Rpc.SearchStreamEvent.EventOneofCase.Token, Rpc.SearchStreamEvent.EventOneofCase.Answer],
            events.Select(e => e.EventCase));
        Assert.Equal(["Bell ", "did [1]."], events.Where(e => e.EventCase == Rpc.SearchStreamEvent.EventOneofCase.Token).Select(e => e.Token));
        Assert.Equal(2, events[0].Results.Results.Count);
        var answer = events[^1].Answer;
        Assert.True(answer.GeneratedShown);
        Assert.Equal("Bell did [1].", answer.GeneratedText);
        Assert.Equal("doc-0#0", Assert.Single(answer.Citations).PassageId);
        Assert.Null(answer.Answer);
    }

    [Fact]
    public async Task AGeneratedAnswerThatFailedItsChecksGivesTheExtractiveBoxAndTheReason()
    {
        var box = new Rpc.AnswerBox { Text = "Alexander Graham Bell", Passage = _stages.Passages[0].Passage, AnswerStart = 30, AnswerEnd = 51, Confidence = 0.9 };
        _stages.AnswerEvents =
        [
            Token("Bell [7]."),
            new Rpc.AnswerStreamEvent
            {
                Result = new Rpc.AnswerStreamResult
                {
                    Generated = new Rpc.GeneratedAnswer { Text = "Bell [7]." },
                    FallbackReason = "the generated answer cites [7] but only passages [1]..[2] were given",
                    Extractive = new Rpc.AnswerResponse { Candidate = box, Shown = true },
                },
            },
        ];
        await using var gateway = Gateway();

        var answer = (await GrpcStreamAsync(gateway, new Rpc.SearchRequest { Query = Question }))[^1].Answer;

        Assert.False(answer.GeneratedShown);
        Assert.Equal("", answer.GeneratedText);
        Assert.Empty(answer.Citations);
        Assert.Contains("cites [7]", answer.FallbackReason, StringComparison.Ordinal);
        Assert.Equal(box, answer.Answer);
        // The token already sent is taken back.
        Assert.True(answer.Withdrawn);
    }

    [Fact]
    public async Task AnAnswerThatFailsItsChecksOverSseSaysItsProvisionalTokensAreWithdrawn()
    {
        _stages.AnswerEvents =
        [
            Token("Gray patented it "),
            Token("in 1877 [1]."),
            new Rpc.AnswerStreamEvent
            {
                Result = new Rpc.AnswerStreamResult
                {
                    Generated = new Rpc.GeneratedAnswer { Text = "Gray patented it in 1877 [1]." },
                    FallbackReason = "sentence 1 states \"1877\", which its cited passages [1] do not",
                    Extractive = new Rpc.AnswerResponse(),
                },
            },
        ];
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        using var response = await http.GetAsync("/api/search/stream?q=" + Uri.EscapeDataString(Question), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var events = await ReadEventsAsync(response);

        Assert.Equal(["results", "token", "token", "answer", "done"], events.Select(e => e.Name));
        Assert.All(events.Where(e => e.Name == "token"), e => Assert.True(e.Data.GetProperty("provisional").GetBoolean()));
        var answer = events[3].Data;
        Assert.True(answer.GetProperty("withdrawn").GetBoolean());
        Assert.False(answer.GetProperty("generated_shown").GetBoolean());
        Assert.Equal("", answer.GetProperty("generated_text").GetString());
        Assert.Contains("1877", answer.GetProperty("fallback_reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswerStageThatStallsPastItsBudgetDegradesTheAnswerAfterTheTokensItSent()
    {
        _stages.AnswerEvents = [Token("Bell "), null];
        await using var gateway = Gateway(("Gateway:AnswerStreamTimeoutMs", "300"));

        var events = await GrpcStreamAsync(gateway, new Rpc.SearchRequest { Query = Question });

        Assert.Equal("Bell ", Assert.Single(events, e => e.EventCase == Rpc.SearchStreamEvent.EventOneofCase.Token).Token);
        var answer = events[^1].Answer;
        Assert.True(answer.Degraded);
        Assert.Contains("timed out", answer.FallbackReason, StringComparison.Ordinal);
        Assert.True(answer.Withdrawn);
    }

    [Fact]
    public async Task AKeywordQueryStreamsResultsAndAnAnswerEventWithoutAskingTheAnswerService()
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        using var response = await http.GetAsync("/api/search/stream?q=telephone+patent", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var events = await ReadEventsAsync(response);

        Assert.Equal(["results", "answer", "done"], events.Select(e => e.Name));
        Assert.Contains("not a question", events[1].Data.GetProperty("fallback_reason").GetString(), StringComparison.Ordinal);
        Assert.False(events[1].Data.GetProperty("withdrawn").GetBoolean()); // nothing was streamed to take back
        Assert.Empty(_stages.AnswerRequests);
    }

    [Fact]
    public async Task TheUnarySearchStillUsesTheUnaryAnswer()
    {
        _stages.UnaryAnswer = new Rpc.AnswerResponse
        {
            Shown = true,
            Candidate = new Rpc.AnswerBox { Text = "Alexander Graham Bell", Passage = _stages.Passages[0].Passage, Confidence = 0.9 },
        };
        _stages.AnswerEvents = [Token("must not be used"), Generated("must not be used [1]", 1)];
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/search?q=" + Uri.EscapeDataString(Question), TestContext.Current.CancellationToken));

        Assert.Equal("Alexander Graham Bell", json.RootElement.GetProperty("answer").GetProperty("text").GetString());
        Assert.Single(_stages.AnswerRequests);
    }

    [Theory]
    [InlineData("/api/search/stream", "empty")]
    [InlineData("/api/search/stream?q=x&k=two", "k must")]
    [InlineData("/api/search/stream?q=x&lang=fr", "unknown language")]
    public async Task BadInputIs400WithAJsonMessageBeforeAnyStream(string url, string message)
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        using var response = await http.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains(message, json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingRetrievalIs503OverSseAndUnavailableOverGrpc()
    {
        await using var gateway = new IsolatedGateway();
        using var http = gateway.CreateClient();

        using var response = await http.GetAsync("/api/search/stream?q=" + Uri.EscapeDataString(Question), TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<RpcException>(() => GrpcStreamAsync(gateway, new Rpc.SearchRequest { Query = Question }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("retrieval", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
    }

    private IsolatedGateway Gateway(params (string Key, string Value)[] settings) => _stages.Gateway(settings);

    private static Rpc.ScoredPassage Passage(int i, string text) => new()
    {
        Passage = new Rpc.Passage { PassageId = $"doc-{i}#0", DocumentId = $"doc-{i}", Title = $"Doc {i}", Text = text, Language = Rpc.Language.En },
        Score = 10 - i,
        RetrievalScore = 10 - i,
    };

    private static Rpc.AnswerStreamEvent Token(string text) => new() { Token = text };

    private static Rpc.AnswerStreamEvent Generated(string text, params int[] cited)
    {
        var generated = new Rpc.GeneratedAnswer { Text = text };
        generated.Citations.AddRange(cited.Select(n => new Rpc.Citation { Index = n, PassageId = $"doc-{n - 1}#0", DocumentId = $"doc-{n - 1}" }));
        return new() { Result = new Rpc.AnswerStreamResult { Generated = generated, GeneratedShown = true, Extractive = new Rpc.AnswerResponse() } };
    }

    private static async Task<List<(string Name, JsonElement Data)>> ReadEventsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var events = new List<(string, JsonElement)>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var name = Assert.Single(lines, l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
            var data = Assert.Single(lines, l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
            events.Add((name, JsonDocument.Parse(data).RootElement.Clone()));
        }

        return events;
    }

    private static async Task<List<Rpc.SearchStreamEvent>> GrpcStreamAsync(IsolatedGateway gateway, Rpc.SearchRequest request)
    {
        var ct = TestContext.Current.CancellationToken;
        using var channel = GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(StreamMethod, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct), request);
        var events = new List<Rpc.SearchStreamEvent>();
        await foreach (var e in call.ResponseStream.ReadAllAsync(ct))
        {
            events.Add(e);
        }

        return events;
    }

    private static readonly Method<Rpc.SearchRequest, Rpc.SearchStreamEvent> StreamMethod =
        GrpcMethods.ServerStreaming<Rpc.SearchRequest, Rpc.SearchStreamEvent>(Rpc.Gateway.Descriptor, "SearchStream");
}
