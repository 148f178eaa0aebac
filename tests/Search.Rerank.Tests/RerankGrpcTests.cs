using Search.TestKit;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Rpc = Search.Contracts.V1;

namespace Search.Rerank.Tests;

/// <summary>The Rerank service through a real ASP.NET Core host (TestServer) and a real gRPC channel.</summary>
public sealed class RerankGrpcTests(SignedHost<Program> factory) : IClassFixture<SignedHost<Program>>
{
    private static readonly Method<Rpc.RerankRequest, Rpc.RerankResponse> RerankMethod =
        GrpcMethods.Unary<Rpc.RerankRequest, Rpc.RerankResponse>(Rpc.Rerank.Descriptor, "Rerank");

    [Fact]
    public async Task RerankReturnsCandidatePositionsBestFirstWithTheirScores()
    {
        var request = Request("who discovered penicillin",
            Scored("a#0", "Antibiotics changed medicine in the twentieth century.", bm25: 6.0),
            Scored("b#0", "Penicillin was discovered by Alexander Fleming in 1928.", bm25: 5.5, title: "Penicillin"));

        var ranking = await RankingAsync(factory, request);

        Assert.Equal([1, 0], ranking.Select(r => r.Index));
        Assert.True(ranking[0].Score > ranking[1].Score);
        Assert.InRange(ranking[0].Score, 0.0, 1.0);
    }

    [Fact]
    public async Task RerankReadsOnlyTheTextTitleOrdinalAndScoresOfACandidate()
    {
        // What the gateway sends: no ids, url or highlight. The order must be the same as with whole passages.
        var whole = Request("who discovered penicillin",
            Scored("a#0", "Antibiotics changed medicine in the twentieth century.", bm25: 6.0),
            Scored("b#0", "Penicillin was discovered by Alexander Fleming in 1928.", bm25: 5.5, title: "Penicillin"));
        var lean = whole.Clone();
        foreach (var candidate in lean.Candidates)
        {
            candidate.Highlight = null;
            candidate.Passage = new Rpc.Passage { Text = candidate.Passage.Text, Title = candidate.Passage.Title, Ordinal = candidate.Passage.Ordinal };
        }

        Assert.Equal(await RankingAsync(factory, whole), await RankingAsync(factory, lean));
    }

    [Fact]
    public async Task RerankLimitsTheOutputToTopK()
    {
        var request = Request("moon", [.. Enumerable.Range(0, 5).Select(i => Scored($"d#{i}", $"the moon {i}", bm25: i))]);
        request.TopK = 2;

        var passages = await RerankAsync(factory, request);

        Assert.Equal(["d#4", "d#3"], passages.Select(p => p.Passage.PassageId));
    }

    [Fact]
    public async Task RerankReturnsNothingForNoCandidates()
    {
        Assert.Empty(await RerankAsync(factory, Request("moon")));
    }

    [Fact]
    public async Task RerankRejectsAnEmptyQueryWithInvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => RerankAsync(factory, Request("  ", Scored("a#0", "text", 1))));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("query is empty", ex.Status.Detail);
    }

    [Fact]
    public async Task RerankRejectsTooManyCandidatesNamingTheLimit()
    {
        var request = Request("moon", [.. Enumerable.Range(0, 101).Select(i => Scored($"d#{i}", "moon", 1))]);

        var ex = await Assert.ThrowsAsync<RpcException>(() => RerankAsync(factory, request));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("100", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RerankCopesWithCandidatesWithoutPassage()
    {
        var request = Request("title:(a OR b) AND \"", new Rpc.ScoredPassage { Score = 2 }, Scored("a#0", "a or b", 1));

        var passages = await RerankAsync(factory, request);

        Assert.Equal(2, passages.Count);
        Assert.Single(passages, p => p.Passage is null);
    }

    [Fact]
    public async Task RerankUsesTheWeightsFromConfiguration()
    {
        // Position only: the first passage of its document wins over a far better match.
        using var positionOnly = factory.WithWebHostBuilder(b => b
            .UseSetting("Rerank:Bm25Weight", "0")
            .UseSetting("Rerank:CoverageWeight", "0")
            .UseSetting("Rerank:ProximityWeight", "0")
            .UseSetting("Rerank:TitleWeight", "0")
            .UseSetting("Rerank:PositionWeight", "1"));
        var request = Request("water boils degrees",
            Scored("a#3", "Water boils at 100 degrees Celsius at sea level.", bm25: 9, ordinal: 3),
            Scored("b#0", "Rivers flow to the sea.", bm25: 1, ordinal: 0));

        Assert.Equal("a#3", (await RerankAsync(factory, request))[0].Passage.PassageId);
        Assert.Equal("b#0", (await RerankAsync(positionOnly, request))[0].Passage.PassageId);
    }

    [Fact]
    public void StartFailsWhenEveryWeightIsZero()
    {
        using var broken = factory.WithWebHostBuilder(b => b
            .UseSetting("Rerank:Bm25Weight", "0")
            .UseSetting("Rerank:CoverageWeight", "0")
            .UseSetting("Rerank:ProximityWeight", "0")
            .UseSetting("Rerank:TitleWeight", "0")
            .UseSetting("Rerank:PositionWeight", "0"));

        var logged = StartFailure.Of(broken);

        Assert.Contains(logged, l => l.Contains("weights", StringComparison.Ordinal));
    }

    /// <summary>The request's candidates in the order rerank gave.</summary>
    private static async Task<IReadOnlyList<Rpc.ScoredPassage>> RerankAsync(WebApplicationFactory<Program> host, Rpc.RerankRequest request) =>
        (await RankingAsync(host, request)).Select(r => request.Candidates[r.Index]).ToList();

    private static async Task<IReadOnlyList<Rpc.RankedCandidate>> RankingAsync(WebApplicationFactory<Program> host, Rpc.RerankRequest request)
    {
        using var channel = GrpcChannel.ForAddress(
            host.Server.BaseAddress,
            new GrpcChannelOptions { HttpHandler = host.Server.CreateHandler() });
        var response = await channel.CreateSignedInvoker()
            .AsyncUnaryCall(RerankMethod, host: null, new CallOptions(cancellationToken: TestContext.Current.CancellationToken), request);
        return response.Ranking;
    }

    private static Rpc.RerankRequest Request(string query, params Rpc.ScoredPassage[] candidates)
    {
        var request = new Rpc.RerankRequest { Query = query, Language = Rpc.Language.En };
        request.Candidates.Add(candidates);
        return request;
    }

    private static Rpc.ScoredPassage Scored(string id, string text, double bm25, string title = "", int ordinal = 0) => new()
    {
        Passage = new Rpc.Passage
        {
            PassageId = id,
            DocumentId = id.Split('#')[0],
            Ordinal = ordinal,
            Title = title,
            Text = text,
            EndOffset = text.Length,
        },
        Score = bm25,
        RetrievalScore = bm25,
        Highlight = new Rpc.Highlight { Text = text, Spans = { new Rpc.TextSpan { Start = 0, End = Math.Min(4, text.Length) } } },
    };
}
