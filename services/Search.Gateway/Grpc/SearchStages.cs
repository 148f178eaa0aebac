using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Search.Gateway.Pipeline;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Grpc;

/// <summary>
/// The pipeline's calls to router, retrieval, rerank and answer: the gateway's records in, messages on the wire, records back.
/// A stage whose health says NOT_SERVING is not called: the call fails at once with UNAVAILABLE (<see cref="StageReadiness"/>).
/// </summary>
public sealed class SearchStages(
    Rpc.Router.RouterClient router, Rpc.Retrieval.RetrievalClient retrieval, Rpc.Rerank.RerankClient rerank, Rpc.Answer.AnswerClient answer,
    StageReadiness readiness)
    : ISearchStages
{
    public async Task<QueryRoute?> RouteAsync(string query, TextLanguage hint, DateTime deadline, CancellationToken ct)
    {
        readiness.ThrowIfNotReady(Stages.Router);
        var reply = await Costed(Stages.Router, router.RouteAsync(new Rpc.RouteRequest { Query = query, LanguageHint = hint.ToTag() }, deadline: deadline, cancellationToken: ct));
        return reply.Route?.ToGateway();
    }

    public async Task<IReadOnlyList<RankedPassage>> RetrieveAsync(string query, TextLanguage language, int topK, DateTime deadline, CancellationToken ct)
    {
        readiness.ThrowIfNotReady(Stages.Retrieval);
        // The pipeline reranks what it retrieves, so it asks for the similarity the fused reranker reads.
        var request = new Rpc.RetrieveRequest { Query = query, Language = language.ToWire(), TopK = topK, WithSimilarity = true };
        var reply = await Costed(Stages.Retrieval, retrieval.SearchAsync(request, deadline: deadline, cancellationToken: ct));
        return Ranked(reply.Passages);
    }

    public async Task<IReadOnlyList<RankedPassage>> RerankAsync(QueryRoute route, IReadOnlyList<RankedPassage> candidates, DateTime deadline, CancellationToken ct)
    {
        readiness.ThrowIfNotReady(Stages.Rerank);
        var request = new Rpc.RerankRequest
        {
            Query = route.NormalizedQuery,
            Language = route.Language.ToWire(),
            Candidates = { candidates.Select(c => c.ToRerankCandidate()) },
        };
        var reply = await Costed(Stages.Rerank, rerank.RerankAsync(request, deadline: deadline, cancellationToken: ct));
        // Rerank answers with positions and scores; the passages are the ones sent.
        var ranked = new List<RankedPassage>(reply.Ranking.Count);
        foreach (var entry in reply.Ranking)
        {
            if (entry.Index < 0 || entry.Index >= candidates.Count)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"rerank returned position {entry.Index} for {candidates.Count} candidates"));
            }

            ranked.Add(candidates[entry.Index] with { Score = entry.Score });
        }

        return ranked;
    }

    public async Task<AnswerReply> AnswerAsync(QueryRoute route, IReadOnlyList<RankedPassage> passages, bool skipReader, DateTime deadline, CancellationToken ct)
    {
        readiness.ThrowIfNotReady(Stages.Answer);
        var reply = await Costed(Stages.Answer, answer.AnswerAsync(AnswerRequest(route, passages, skipReader), deadline: deadline, cancellationToken: ct));
        return reply.ToGateway();
    }

    public async Task<GenerationOutcome?> AnswerStreamAsync(
        QueryRoute route, IReadOnlyList<RankedPassage> passages, bool skipReader, DateTime deadline, Func<string, CancellationToken, Task> onToken, CancellationToken ct)
    {
        readiness.ThrowIfNotReady(Stages.Answer);
        using var call = answer.AnswerStream(AnswerRequest(route, passages, skipReader), deadline: deadline, cancellationToken: ct);
        Rpc.AnswerStreamResult? result = null;
        try
        {
            await foreach (var item in call.ResponseStream.ReadAllAsync(ct))
            {
                if (item.EventCase == Rpc.AnswerStreamEvent.EventOneofCase.Token)
                {
                    await onToken(item.Token, ct);
                }
                else if (item.EventCase == Rpc.AnswerStreamEvent.EventOneofCase.Result)
                {
                    result = item.Result;
                }
            }
        }
        finally
        {
            CallCost.Current?.AddCallee(Stages.Answer, TrailersOf(call.GetTrailers));
        }

        return result?.ToGateway();
    }

    private static Rpc.AnswerRequest AnswerRequest(QueryRoute route, IReadOnlyList<RankedPassage> passages, bool skipReader) => new()
    {
        Question = route.NormalizedQuery,
        Route = route.ToWire(),
        Passages = { passages.Select(p => p.ToWire()) },
        SkipReader = skipReader,
    };

    /// <summary>
    /// The reply, with the CPU the stage reported in its trailers kept for the request's costs (<see cref="CallCost"/>);
    /// a failed attempt's report is kept too, since its work was done.
    /// </summary>
    private static async Task<T> Costed<T>(string stage, AsyncUnaryCall<T> call)
    {
        using (call)
        {
            try
            {
                return await call;
            }
            finally
            {
                CallCost.Current?.AddCallee(stage, TrailersOf(call.GetTrailers));
            }
        }
    }

    /// <summary>The call's trailers, or null when the call ended without any (cancelled, or the stage was never reached).</summary>
    private static Metadata? TrailersOf(Func<Metadata> trailers)
    {
        try
        {
            return trailers();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static List<RankedPassage> Ranked(IEnumerable<Rpc.ScoredPassage> passages) => passages.Select(p => p.ToGateway()).ToList();
}
