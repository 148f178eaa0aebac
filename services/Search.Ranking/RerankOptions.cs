using System.ComponentModel.DataAnnotations;

namespace Search.Ranking;

/// <summary>
/// Settings of the reranker, bound from the "Rerank" section and validated at start. The score of
/// a passage is the weighted mean of five features, each in [0, 1] (see <see cref="Ranking.RankingFeatures"/>);
/// only the ratios between the weights matter.
/// Measured with the defaults (gold paragraph at rank 1 among BM25's top 20, Lucene index built
/// with SearchAnalyzer): SQuAD dev half 0.764 → 0.784, CMRC 2018 trial 0.975 → 0.973, DRCD dev
/// 0.940 → 0.940. Chinese BM25 over bigrams is already near the ceiling there; heavier proximity
/// or coverage weights lowered every set, a heavier BM25 weight changed little.
/// </summary>
public sealed class RerankOptions : IValidatableObject
{
    public const string SectionName = "Rerank";

    /// <summary>
    /// BM25 from retrieval, divided by the best candidate's. It already weighs term frequency, rarity
    /// and length over the whole index, so it stays the backbone of the order.
    /// </summary>
    [Range(0.0, 100.0)]
    public double Bm25Weight { get; set; } = 0.45;

    /// <summary>
    /// Share of the query's distinct terms the passage contains, rare terms (few candidates have
    /// them) counting more. BM25 lets one frequent term outweigh several missing ones; coverage
    /// rewards the passage that speaks about the whole question.
    /// </summary>
    [Range(0.0, 100.0)]
    public double CoverageWeight { get; set; } = 0.25;

    /// <summary>
    /// How tightly the matched query terms sit together (smallest window). BM25 is a bag of words;
    /// an answer usually sits in one sentence that uses the question's words close together.
    /// </summary>
    [Range(0.0, 100.0)]
    public double ProximityWeight { get; set; } = 0.15;

    /// <summary>
    /// Share of query terms in the document title. A title naming the question's subject is strong
    /// evidence of topic but says nothing about which passage of it answers, hence a smaller weight.
    /// </summary>
    [Range(0.0, 100.0)]
    public double TitleWeight { get; set; } = 0.10;

    /// <summary>
    /// Earlier passages of a document are slightly preferred: openings define and summarise. A tie-breaker only.
    /// </summary>
    [Range(0.0, 100.0)]
    public double PositionWeight { get; set; } = 0.05;

    /// <summary>
    /// The fitted fusion of BM25, query-passage similarity and the lexical features (written by
    /// <c>search-cli fit-rerank</c>), resolved against the service's folder; empty ranks by the lexical
    /// weights above alone. A file that is named but missing or malformed stops start-up.
    /// </summary>
    public string WeightsFile { get; set; } = "rerank-weights.json";

    /// <summary>Full path of <see cref="WeightsFile"/>, or null when it is empty (a method, so option validation never evaluates it).</summary>
    public string? ResolveWeightsPath() =>
        string.IsNullOrWhiteSpace(WeightsFile) ? null : Path.GetFullPath(WeightsFile, AppContext.BaseDirectory);

    /// <summary>Most candidates accepted in one request: every candidate is tokenised, so the work per request stays bounded.</summary>
    [Range(1, 10_000)]
    public int MaxCandidates { get; set; } = 100;

    /// <summary>Longest accepted query, in characters (the router's normalised query is at most this long).</summary>
    [Range(1, 100_000)]
    public int MaxQueryLength { get; set; } = 1000;

    public double TotalWeight => Bm25Weight + CoverageWeight + ProximityWeight + TitleWeight + PositionWeight;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TotalWeight <= 0)
        {
            yield return new ValidationResult(
                $"At least one of the {SectionName} feature weights (Bm25Weight, CoverageWeight, ProximityWeight, TitleWeight, PositionWeight) must be positive.",
                [nameof(Bm25Weight)]);
        }

        if (ResolveWeightsPath() is { } path)
        {
            string? error = null;
            try
            {
                RerankModel.Load(path);
            }
            catch (InvalidDataException e)
            {
                error = e.Message;
            }

            if (error is not null)
            {
                yield return new ValidationResult($"{SectionName}:{nameof(WeightsFile)}: {error}", [nameof(WeightsFile)]);
            }
        }
    }
}
