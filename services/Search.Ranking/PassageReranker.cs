using System.Diagnostics.CodeAnalysis;
using Search.Text;

namespace Search.Ranking;

/// <summary>
/// Re-scores retrieval candidates. With a fitted <see cref="RerankModel"/> and a similarity for every
/// candidate (English), the model fuses BM25, the query-passage similarity and the lexical features;
/// otherwise (Chinese, embeddings off, no model) a weighted mean of the lexical features ranks.
/// </summary>
public sealed class PassageReranker(RerankOptions options, RerankModel? model = null)
{
    private readonly RerankOptions _options = options;

    /// <summary>The fused model in use, or null when only the lexical weights rank.</summary>
    public RerankModel? Model { get; } = model;

    /// <summary>
    /// Ranks <paramref name="candidates"/> best first, keeping at most <paramref name="topK"/> (0 = all);
    /// equal scores keep retrieval order. False with a message safe to show for a bad request.
    /// </summary>
    public bool TryRerank(
        string? query,
        IReadOnlyList<RerankCandidate> candidates,
        int topK,
        [NotNullWhen(true)] out IReadOnlyList<RankedCandidate>? ranked,
        [NotNullWhen(false)] out string? error)
    {
        ranked = null;
        error = Validate(query, candidates.Count, topK);
        if (error is not null)
        {
            return false;
        }

        var features = FeatureExtractor.Extract(TextNormalizer.Normalize(query), candidates);
        // One scale for the whole list: the model only when it can score every candidate.
        var fused = Model is not null && features.Length > 0 && features.All(f => f.Similarity is not null);
        var order = features
            .Select((f, i) => new RankedCandidate(i, fused ? Model!.Score(f) : Score(f), f))
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Index);
        ranked = (topK > 0 ? order.Take(topK) : order).ToArray();
        return true;
    }

    /// <summary>The lexical score: the weighted mean of the options' feature weights.</summary>
    public double Score(RankingFeatures f) =>
        (_options.Bm25Weight * f.Bm25
            + _options.CoverageWeight * f.Coverage
            + _options.ProximityWeight * f.Proximity
            + _options.TitleWeight * f.Title
            + _options.PositionWeight * f.Position) / _options.TotalWeight;

    private string? Validate(string? query, int candidateCount, int topK)
    {
        if (query is not null && TextLength.Exceeds(query, _options.MaxQueryLength))
        {
            return TextLength.TooLong("query", query, _options.MaxQueryLength);
        }

        if (TextNormalizer.Normalize(query).Length == 0)
        {
            return "query is empty";
        }

        if (candidateCount > _options.MaxCandidates)
        {
            return $"at most {_options.MaxCandidates} candidates can be reranked at once, got {candidateCount}";
        }

        return topK < 0 ? "top_k must not be negative" : null;
    }
}
