using Search.Text;

namespace Search.Gateway.Pipeline;

/// <summary>
/// The calls out to router, retrieval, rerank and answer, in the gateway's own types. Each call carries its
/// deadline; failures surface as the transport's own exceptions so the pipeline's resilience can read them.
/// </summary>
public interface ISearchStages
{
    /// <summary>The router's route, or null when its reply held none.</summary>
    Task<QueryRoute?> RouteAsync(string query, TextLanguage hint, DateTime deadline, CancellationToken ct);

    /// <summary>Passages best first; <paramref name="language"/> Unknown searches every language.</summary>
    Task<IReadOnlyList<RankedPassage>> RetrieveAsync(string query, TextLanguage language, int topK, DateTime deadline, CancellationToken ct);

    Task<IReadOnlyList<RankedPassage>> RerankAsync(QueryRoute route, IReadOnlyList<RankedPassage> candidates, DateTime deadline, CancellationToken ct);

    /// <summary>The extractive answer; with <paramref name="skipReader"/> the short answer is the feature ranker's (no neural read).</summary>
    Task<AnswerReply> AnswerAsync(QueryRoute route, IReadOnlyList<RankedPassage> passages, bool skipReader, DateTime deadline, CancellationToken ct);

    /// <summary>
    /// The generated answer: each token goes to <paramref name="onToken"/> as it arrives; the outcome is null
    /// when the stream ended without one. With <paramref name="skipReader"/> its extractive answer is taken without a neural read.
    /// </summary>
    Task<GenerationOutcome?> AnswerStreamAsync(
        QueryRoute route, IReadOnlyList<RankedPassage> passages, bool skipReader, DateTime deadline, Func<string, CancellationToken, Task> onToken, CancellationToken ct);
}
