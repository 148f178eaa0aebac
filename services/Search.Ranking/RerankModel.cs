using System.Text.Json;
using System.Text.Json.Serialization;

namespace Search.Ranking;

/// <summary>
/// The fused reranker: a linear function of the candidate features with weights fitted on judged queries
/// (<see cref="RerankFitter"/>), squashed to (0, 1). Used when every candidate has a similarity; otherwise
/// (Chinese queries, embeddings off) the lexical weighted mean of <see cref="RerankOptions"/> ranks.
/// </summary>
public sealed class RerankModel
{
    /// <summary>Feature names in vector order, as the weights file spells them.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } = ["bm25", "coverage", "proximity", "title", "position", "similarity", "similarityMargin"];

    private readonly double[] _weights;

    public RerankModel(IReadOnlyList<double> weights)
    {
        if (weights.Count != FeatureNames.Count || weights.Any(w => !double.IsFinite(w)))
        {
            throw new ArgumentException($"a rerank model needs {FeatureNames.Count} finite weights ({string.Join(", ", FeatureNames)})", nameof(weights));
        }

        _weights = [.. weights];
    }

    public IReadOnlyList<double> Weights => _weights;

    /// <summary>The features as the model's input vector; a missing similarity counts as 0.</summary>
    public static double[] Vector(RankingFeatures f) =>
        [f.Bm25, f.Coverage, f.Proximity, f.Title, f.Position, f.Similarity ?? 0, f.SimilarityMargin];

    public double Score(RankingFeatures features)
    {
        var x = Vector(features);
        var z = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            z += _weights[i] * x[i];
        }

        return 1 / (1 + Math.Exp(-z));
    }

    public RerankWeights ToWeights(RerankFitReport? fittedOn) =>
        new(Description, FeatureNames.Select((name, i) => (name, _weights[i])).ToDictionary(p => p.name, p => p.Item2), fittedOn);

    public const string Description = "score = 1 / (1 + exp(-sum(weight * feature))); pairwise logistic regression (relevant vs not, per query) with L2";

    /// <summary>Reads and checks a weights file; the message of the exception names the file and what is wrong with it.</summary>
    public static (RerankModel Model, RerankWeights Weights) Load(string path)
    {
        RerankWeights? weights;
        try
        {
            using var stream = File.OpenRead(path);
            weights = JsonSerializer.Deserialize(stream, RerankJsonContext.Default.RerankWeights);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"rerank weights file '{path}' cannot be read: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"rerank weights file '{path}' is not valid JSON: {e.Message}", e);
        }

        if (weights?.Weights is not { } named)
        {
            throw new InvalidDataException($"rerank weights file '{path}' has no \"weights\" object");
        }

        var unknown = named.Keys.Except(FeatureNames).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"rerank weights file '{path}': unknown weight(s) {string.Join(", ", unknown)} (known: {string.Join(", ", FeatureNames)})");
        }

        var values = new double[FeatureNames.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if (!named.TryGetValue(FeatureNames[i], out values[i]))
            {
                throw new InvalidDataException($"rerank weights file '{path}': weight \"{FeatureNames[i]}\" is missing");
            }

            if (!double.IsFinite(values[i]))
            {
                throw new InvalidDataException($"rerank weights file '{path}': weight \"{FeatureNames[i]}\" is not a finite number");
            }
        }

        return (new RerankModel(values), weights);
    }

    public static void Save(string path, RerankWeights weights)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(weights, RerankJsonContext.Default.RerankWeights) + Environment.NewLine);
    }
}

/// <summary>The weights file: what the model computes, its weights by feature name, and the data they were fitted on.</summary>
public sealed record RerankWeights(string Model, Dictionary<string, double> Weights, RerankFitReport? FittedOn);

/// <summary>How and on what a weights file was made, so a reader can reproduce it and judge it.</summary>
/// <param name="Command">The command line that wrote the file.</param>
/// <param name="CandidatesPerQuery">Retrieval candidates reranked per query (the gateway's rerank candidates).</param>
/// <param name="L2">Regularisation strength of the fit.</param>
public sealed record RerankFitReport(string Date, string Command, int CandidatesPerQuery, double L2, IReadOnlyList<RerankFitSet> Sets);

/// <summary>One training set: where it came from, how much of it was fitted on, and the metric by ranker.</summary>
/// <param name="Queries">Queries fitted on (the held-out fold excluded).</param>
/// <param name="Metrics">
/// On the fitted queries (in-sample), metric name → value, for: retrieval order ("bm25"), the lexical weighted
/// mean ("lexical"), the fitted model without the similarity features ("fitted_lexical"), the fitted model
/// ("fused"), and the fused model scored on the half of the queries it was not fitted on, by two-fold
/// cross-validation ("fused_cross_validated").
/// </param>
/// <param name="HeldOutQueries">Queries of the held-out fold, never fitted on.</param>
/// <param name="HeldOutMetrics">The same rankers (without cross-validation) measured on the held-out queries.</param>
public sealed record RerankFitSet(
    string Name, IReadOnlyList<string> Paths, int Queries, int QueriesWithRelevantCandidate, int Pairs, string Metric,
    Dictionary<string, double> Metrics, int HeldOutQueries = 0, Dictionary<string, double>? HeldOutMetrics = null);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RerankWeights))]
internal sealed partial class RerankJsonContext : JsonSerializerContext;
