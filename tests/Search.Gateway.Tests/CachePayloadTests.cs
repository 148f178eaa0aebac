using System.Text;
using Google.Protobuf;
using Search.Gateway.Caching;
using Search.Gateway.Grpc;
using Search.Gateway.Pipeline;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>The answer cache stores the gateway's response record as JSON and reads back the same response, or a miss.</summary>
public sealed class CachePayloadTests
{
    private static readonly Passage Source = new("doc#0", "doc", 0, "Title", "https://example.org/doc", "Bell patented it in 1876.", TextLanguage.English, 0, 25);

    private static readonly SearchResponse Response = new(
        Query: "who patented the telephone",
        Route: new QueryRoute("who patented the telephone", TextLanguage.English, QueryIntent.Question, ExpectedAnswer.Person, true, "question cue"),
        Answer: new AnswerBox("Bell", Source, 0, 4, 0.875, AnswerKind.Span, new TextRange(0, 25), ""),
        Results:
        [
            new SearchResult("doc", "doc#0", "Title", "https://example.org/doc", "Bell patented it in 1876.", new Highlight("Bell patented", [new TextRange(5, 13)]), 3.5, 7.25),
            new SearchResult("other", "other#2", "", "", "没有高亮", null, 1, 1),
        ],
        Degraded: ["rerank"],
        Timings: [new StageTiming(Stages.Router, 1.25, StageStatus.Ok), new StageTiming(Stages.Rerank, 500, StageStatus.Timeout)],
        AbstainedAnswer: new AnswerBox("1876", null, 20, 24, 0.25, AnswerKind.Sentence, null, "1876"),
        TotalMs: 512.5,
        Cached: false);

    [Fact]
    public void AStoredResponseReadsBackAsTheSameResponse()
    {
        var read = CachePayload.TryRead(CachePayload.Write(Response), out var problem);

        Assert.Null(problem);
        Assert.NotNull(read);
        Assert.Equal(Response.ToWire(), read.ToWire());
    }

    [Fact]
    public void EnumsAreStoredByName()
    {
        var json = Encoding.UTF8.GetString(CachePayload.Write(Response));

        Assert.Contains("\"English\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Person\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Span\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonFiniteScoreIsStoredToo()
    {
        var response = Response with { Results = [Response.Results[0] with { Score = double.NaN }] };

        var read = CachePayload.TryRead(CachePayload.Write(response), out _);

        Assert.True(double.IsNaN(read!.Results[0].Score));
    }

    [Fact]
    public void AProtobufEntryOfAnOlderGatewayIsAMiss()
    {
        var old = new Rpc.SearchResponse { Query = "who patented the telephone", TotalMs = 3 }.ToByteArray();

        Assert.Null(CachePayload.TryRead(old, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"Query\":\"x\"}")]
    [InlineData("{\"Query\":null,\"Route\":null}")]
    public void AnEntryThatDoesNotFitTheRecordIsAMiss(string json)
    {
        Assert.Null(CachePayload.TryRead(Encoding.UTF8.GetBytes(json), out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }
}
