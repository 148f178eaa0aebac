using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// Pins the REST JSON (proto3 JSON with snake_case names, the gRPC response's mirror) byte for byte, and checks
/// that what the stages are sent is exactly what the earlier stages returned. Timings and CPU costs vary, so they read as 0.
/// </summary>
public sealed partial class ResponseShapeTests : IAsyncLifetime
{
    private const string Question = "Who patented the telephone?";
    private FakeStages _stages = null!;

    public async ValueTask InitializeAsync()
    {
        _stages = await FakeStages.StartAsync(TestContext.Current.CancellationToken);
        _stages.Router = query => new Rpc.Route
        {
            NormalizedQuery = query.Trim(),
            Language = Rpc.Language.En,
            Intent = query.EndsWith('?') ? Rpc.Intent.Question : Rpc.Intent.Navigational,
            AnswerType = query.EndsWith('?') ? Rpc.AnswerType.Person : Rpc.AnswerType.Unspecified,
            ShouldAnswer = query.EndsWith('?'),
            Reason = "scripted",
        };
        _stages.Passages =
        [
            new Rpc.ScoredPassage
            {
                Passage = Passage("doc-0", 2, "The telephone was patented by Alexander Graham Bell in 1876."),
                Score = 12.5,
                RetrievalScore = 12.5,
                Highlight = new Rpc.Highlight { Text = "The telephone was patented", Spans = { new Rpc.TextSpan { Start = 4, End = 13 }, new Rpc.TextSpan { Start = 18, End = 26 } } },
                Similarity = 0.75,
            },
            new Rpc.ScoredPassage { Passage = Passage("doc-1", 0, "Elisha Gray filed a caveat the same day."), Score = 3.25, RetrievalScore = 3.25 },
        ];
        _stages.UnaryAnswer = new Rpc.AnswerResponse { Candidate = Box(), Shown = true };
    }

    public async ValueTask DisposeAsync() => await _stages.DisposeAsync();

    [Fact]
    public async Task TheRestSearchJsonKeepsItsShape()
    {
        var json = await RestAsync("/api/search?q=" + Uri.EscapeDataString(Question));

        Assert.Equal(Pinned("search-answer-shown.json"), json);
    }

    [Fact]
    public async Task TheRestSearchJsonKeepsItsShapeWithAnAbstainedAnswerAndADegradedStage()
    {
        _stages.UnaryAnswer = new Rpc.AnswerResponse { Candidate = Box(), Shown = false, AbstainReason = "not sure" };
        _stages.Failing.Add("rerank");

        var json = await RestAsync("/api/search?k=1&include_abstained=true&q=" + Uri.EscapeDataString(Question));

        Assert.Equal(Pinned("search-answer-abstained-rerank-degraded.json"), json);
    }

    [Fact]
    public async Task TheStreamedEventsKeepTheirShape()
    {
        var json = await RestAsync("/api/search/stream?q=telephone+patent");

        Assert.Equal(Pinned("stream-keyword.txt"), json);
    }

    [Fact]
    public async Task TheStreamedGeneratedAnswerKeepsItsShape()
    {
        var generated = new Rpc.GeneratedAnswer { Text = "Bell patented it [1], Gray filed [2]." };
        generated.Citations.Add(new Rpc.Citation { Index = 1, PassageId = "doc-0#2", DocumentId = "doc-0" });
        generated.Citations.Add(new Rpc.Citation { Index = 2, PassageId = "doc-1#0", DocumentId = "doc-1" });
        _stages.AnswerEvents =
        [
            new Rpc.AnswerStreamEvent { Token = "Bell patented it [1], " },
            new Rpc.AnswerStreamEvent { Token = "Gray filed [2]." },
            new Rpc.AnswerStreamEvent { Result = new Rpc.AnswerStreamResult { Generated = generated, GeneratedShown = true, Extractive = _stages.UnaryAnswer } },
        ];

        var json = await RestAsync("/api/search/stream?q=" + Uri.EscapeDataString(Question));

        Assert.Equal(Pinned("stream-generated.txt"), json);
    }

    [Fact]
    public async Task TheStreamedExtractiveFallbackKeepsItsShape()
    {
        _stages.AnswerEvents =
        [
            new Rpc.AnswerStreamEvent
            {
                Result = new Rpc.AnswerStreamResult
                {
                    Generated = new Rpc.GeneratedAnswer { Text = "no citation" },
                    FallbackReason = "the generated answer cites no passage",
                    Extractive = new Rpc.AnswerResponse { Candidate = Box(), Shown = false, AbstainReason = "not sure" },
                },
            },
        ];

        var json = await RestAsync("/api/search/stream?include_abstained=1&q=" + Uri.EscapeDataString(Question));

        Assert.Equal(Pinned("stream-extractive-abstained.txt"), json);
    }

    [Fact]
    public async Task TheGrpcSearchIsTheRestJson()
    {
        await using var gateway = Gateway();
        using var channel = GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });
        var response = await channel.CreateCallInvoker().AsyncUnaryCall(
            SearchMethod, null, new CallOptions(cancellationToken: TestContext.Current.CancellationToken), new Rpc.SearchRequest { Query = Question });

        Assert.Equal(Pinned("search-answer-shown.json"), WithoutTimings(ProtoJson.Format(response)));
    }

    [Fact]
    public async Task TheStagesGetTheRouteAndWhatTheyReadOfThePassagesAsTheEarlierStagesSentThem()
    {
        await RestAsync("/api/search?q=" + Uri.EscapeDataString(Question));

        // Retrieval is asked for the similarity the reranker fuses; rerank reads text, title, ordinal, scores and
        // similarity; the answer stage everything but the highlight.
        Assert.True(Assert.Single(_stages.RetrieveRequests).WithSimilarity);
        var rerank = Assert.Single(_stages.RerankRequests);
        Assert.Equal(_stages.Passages.Select(RerankReads), rerank.Candidates);
        Assert.Equal(Rpc.Language.En, rerank.Language);
        var answer = Assert.Single(_stages.AnswerRequests);
        Assert.Equal(_stages.Router(Question), answer.Route);
        Assert.Equal(Question, answer.Question);
        Assert.Equal(_stages.Passages.Select(p => WithoutHighlight(p)), answer.Passages);
    }

    private static Rpc.ScoredPassage WithoutHighlight(Rpc.ScoredPassage passage)
    {
        var copy = passage.Clone();
        copy.Highlight = null;
        return copy;
    }

    private static Rpc.ScoredPassage RerankReads(Rpc.ScoredPassage passage)
    {
        var copy = WithoutHighlight(passage);
        copy.Passage = new Rpc.Passage { Text = passage.Passage.Text, Title = passage.Passage.Title, Ordinal = passage.Passage.Ordinal };
        return copy;
    }

    private async Task<string> RestAsync(string url)
    {
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        return WithoutTimings(await http.GetStringAsync(url, TestContext.Current.CancellationToken));
    }

    private IsolatedGateway Gateway() => _stages.Gateway(
        // A cold host on a busy machine must not fall back to the default route: the shape is the point here.
        ("Gateway:RequestTimeoutMs", "30000"),
        ("Gateway:RouterTimeoutMs", "10000"),
        ("Gateway:RetrievalTimeoutMs", "10000"),
        ("Gateway:RerankTimeoutMs", "10000"),
        ("Gateway:AnswerTimeoutMs", "10000"));

    /// <summary>The JSON the gateway answered before its pipeline moved off the wire messages (ResponseShapes/).</summary>
    private static string Pinned(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ResponseShapes", name));

    private static string WithoutTimings(string json) => Timing().Replace(json, "\"$1\": 0");

    [GeneratedRegex("\"(ms|total_ms|cpu_ms)\": [-+.0-9eE]+")]
    private static partial Regex Timing();

    private static readonly JsonFormatter ProtoJson = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithFormatDefaultValues(true));

    private static readonly Method<Rpc.SearchRequest, Rpc.SearchResponse> SearchMethod =
        GrpcMethods.Unary<Rpc.SearchRequest, Rpc.SearchResponse>(Rpc.Gateway.Descriptor, "Search");

    private static Rpc.Passage Passage(string document, int ordinal, string text) => new()
    {
        PassageId = $"{document}#{ordinal}",
        DocumentId = document,
        Ordinal = ordinal,
        Title = $"Title of {document}",
        Url = $"https://example.org/{document}",
        Text = text,
        Language = Rpc.Language.En,
        StartOffset = 100,
        EndOffset = 100 + text.Length,
    };

    private Rpc.AnswerBox Box() => new()
    {
        Text = "Alexander Graham Bell",
        Passage = _stages.Passages[0].Passage,
        AnswerStart = 30,
        AnswerEnd = 51,
        Confidence = 0.875,
        Kind = Rpc.AnswerKind.Span,
        Sentence = new Rpc.TextSpan { Start = 0, End = 60 },
        ShortAnswer = "Bell",
    };
}
