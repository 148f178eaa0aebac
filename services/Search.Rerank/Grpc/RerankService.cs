using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Search.Ranking;
using Rpc = Search.Contracts.V1;

namespace Search.Rerank.Grpc;

public sealed class RerankService(PassageReranker reranker) : Rpc.Rerank.RerankBase
{
    public override Task<Rpc.RerankResponse> Rerank(Rpc.RerankRequest request, ServerCallContext context)
    {
        var candidates = request.Candidates.Select(ToCandidate).ToArray();
        if (!reranker.TryRerank(request.Query, candidates, request.TopK, out var ranked, out var error))
        {
            ThrowInvalidArgument(error);
        }

        // Positions and scores only: the caller holds the passages it sent.
        var response = new Rpc.RerankResponse();
        response.Ranking.AddRange(ranked.Select(r => new Rpc.RankedCandidate { Index = r.Index, Score = r.Score }));
        return Task.FromResult(response);
    }

    [DoesNotReturn]
    private static void ThrowInvalidArgument(string message) =>
        throw new RpcException(new Status(StatusCode.InvalidArgument, message));

    // A caller that filled only `score` (retrieval order) still gets its BM25 used.
    private static RerankCandidate ToCandidate(Rpc.ScoredPassage p) => new(
        p.Passage?.Text ?? "",
        p.Passage?.Title ?? "",
        p.Passage?.Ordinal ?? 0,
        p.RetrievalScore != 0 ? p.RetrievalScore : p.Score,
        p.HasSimilarity ? p.Similarity : null);
}
