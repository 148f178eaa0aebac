using System.Text.Json;
using System.Text.Json.Serialization;

namespace Search.Reading;

/// <summary>
/// A boosted ensemble of regression trees as ML.NET's FastTree trains it: the score is the bias plus
/// the weighted leaf value each tree reaches. A node goes left when the feature is at most its threshold;
/// a negative child is a leaf (~child is the leaf's index).
/// </summary>
public sealed class TreeEnsemble
{
    public double Bias { get; init; }
    public IReadOnlyList<RegressionTree> Trees { get; init; } = [];

    // The trees in an array, taken on first use: a loop over an interface list costs a virtual call per tree.
    private RegressionTree[]? _trees;

    public double Score(ReadOnlySpan<float> features)
    {
        var trees = _trees ??= [.. Trees];
        var score = Bias;
        foreach (var tree in trees)
        {
            score += tree.Weight * tree.Leaf(features);
        }

        return score;
    }

    internal void Check(int featureCount, string name)
    {
        foreach (var tree in Trees)
        {
            tree.Check(featureCount, name);
        }
    }
}

public sealed class RegressionTree
{
    public double Weight { get; init; } = 1;
    public IReadOnlyList<int> Features { get; init; } = [];
    public IReadOnlyList<float> Thresholds { get; init; } = [];
    public IReadOnlyList<int> Left { get; init; } = [];
    public IReadOnlyList<int> Right { get; init; } = [];
    public IReadOnlyList<double> Leaves { get; init; } = [];

    // The node arrays copied on first use (the lists come from JSON): walking a tree through interface lists cost
    // a virtual call per node and test, and the walk is most of what scoring an answer candidate costs.
    private Nodes? _nodes;

    public double Leaf(ReadOnlySpan<float> features)
    {
        var nodes = _nodes ??= new Nodes(this);
        if (nodes.Left.Length == 0)
        {
            return nodes.Leaves[0];
        }

        var node = 0;
        while (node >= 0)
        {
            node = features[nodes.Features[node]] <= nodes.Thresholds[node] ? nodes.Left[node] : nodes.Right[node];
        }

        return nodes.Leaves[~node];
    }

    private sealed class Nodes(RegressionTree tree)
    {
        public readonly int[] Features = [.. tree.Features];
        public readonly float[] Thresholds = [.. tree.Thresholds];
        public readonly int[] Left = [.. tree.Left];
        public readonly int[] Right = [.. tree.Right];
        public readonly double[] Leaves = [.. tree.Leaves];
    }

    internal void Check(int featureCount, string name)
    {
        var nodes = Left.Count;
        if (Right.Count != nodes || Features.Count != nodes || Thresholds.Count != nodes || Leaves.Count != nodes + 1)
        {
            throw new InvalidDataException($"{name}: a tree's node arrays disagree in length");
        }

        for (var i = 0; i < nodes; i++)
        {
            if (Features[i] < 0 || Features[i] >= featureCount
                || Left[i] >= nodes || Right[i] >= nodes || ~Left[i] > nodes || ~Right[i] > nodes)
            {
                throw new InvalidDataException($"{name}: tree node {i} points outside the tree or the features");
            }
        }
    }
}

/// <summary>
/// Isotonic regression from a raw score to the probability that the answer is right: the score is
/// placed between the fitted breakpoints and the probability interpolated. Monotone by construction.
/// </summary>
public sealed class IsotonicCalibration
{
    public IReadOnlyList<double> Scores { get; init; } = [];
    public IReadOnlyList<double> Probabilities { get; init; } = [];

    public double Probability(double score)
    {
        if (Scores.Count == 0)
        {
            return 0;
        }

        if (score <= Scores[0])
        {
            return Probabilities[0];
        }

        if (score >= Scores[^1])
        {
            return Probabilities[^1];
        }

        var hi = 1;
        while (Scores[hi] < score)
        {
            hi++;
        }

        var lo = hi - 1;
        var span = Scores[hi] - Scores[lo];
        var t = span > 0 ? (score - Scores[lo]) / span : 1;
        return Probabilities[lo] + t * (Probabilities[hi] - Probabilities[lo]);
    }

    internal void Check(string name)
    {
        if (Scores.Count == 0 || Scores.Count != Probabilities.Count)
        {
            throw new InvalidDataException($"{name}: the calibration needs as many probabilities as scores, and at least one");
        }

        for (var i = 1; i < Scores.Count; i++)
        {
            if (Scores[i] < Scores[i - 1] || Probabilities[i] < Probabilities[i - 1])
            {
                throw new InvalidDataException($"{name}: the calibration is not monotone at breakpoint {i}");
            }
        }
    }
}

/// <summary>One point of the precision–coverage curve measured on held-apart questions.</summary>
public sealed record CurvePoint(double Threshold, double Precision, double Coverage)
{
    /// <summary>
    /// The lowest threshold of <paramref name="curve"/> (ascending) whose measured precision reaches
    /// <paramref name="targetPrecision"/>; the highest threshold measured when none does. The curve is noisy where few
    /// boxes are shown, so a dip above the chosen threshold does not move it.
    /// </summary>
    public static double ThresholdFor(IReadOnlyList<CurvePoint> curve, double targetPrecision)
    {
        foreach (var point in curve)
        {
            if (point.Precision >= targetPrecision)
            {
                return point.Threshold;
            }
        }

        return curve.Count == 0 ? 1 : curve[^1].Threshold;
    }

    internal static void Check(IReadOnlyList<CurvePoint> curve, string path)
    {
        for (var i = 1; i < curve.Count; i++)
        {
            if (curve[i].Threshold < curve[i - 1].Threshold)
            {
                throw new InvalidDataException($"{path}: the precision–coverage curve must list thresholds in ascending order");
            }
        }
    }
}

/// <summary>
/// The trained answer model: a span ranker (which span of the top sentences is the answer), a confidence
/// model with its isotonic calibration (how likely the shown text holds a right answer), and the
/// precision–coverage curve measured on held-apart questions from which a target precision becomes a
/// threshold. Written by <c>search-cli train answer</c>; <see cref="TrainedOn"/> says on what.
/// </summary>
public sealed class AnswerModel
{
    public const string FileName = "answer-model.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public IReadOnlyList<string> FeatureNames { get; init; } = [];

    /// <summary>
    /// Whether the model was trained on the sentence similarity features: only then are the sentences closest to the
    /// question by meaning read besides the best by words (a model trained before them reads as it was trained to).
    /// </summary>
    [JsonIgnore]
    public bool ReadsSimilarity => FeatureNames.Count > AnswerFeatures.CountWithoutSimilarity;
    public TreeEnsemble Ranker { get; init; } = new();
    public TreeEnsemble Confidence { get; init; } = new();
    public IsotonicCalibration Calibration { get; init; } = new();

    /// <summary>The curve with thresholds ascending: coverage falls and precision (mostly) rises along it.</summary>
    public IReadOnlyList<CurvePoint> Curve { get; init; } = [];

    /// <summary>
    /// The confidence that reads the neural reader (<see cref="ReaderConfidence"/>), for the reader of its version; null
    /// when the model was trained without one.
    /// </summary>
    public ReaderConfidence? Reader { get; init; }

    /// <summary>Free-form record of the command, data files, splits and measurements that made the model.</summary>
    public JsonElement? TrainedOn { get; init; }

    /// <summary>
    /// Which model this is: "answer-model-" and the first 12 hex digits of its file's SHA-256, so feedback and answers
    /// name the exact model that produced them. Empty for a model built in memory and not loaded from a file.
    /// </summary>
    [JsonIgnore]
    public string Version { get; private set; } = "";

    /// <summary>The model shipped next to the service's binaries.</summary>
    public static AnswerModel LoadDefault() => Load(Path.Combine(AppContext.BaseDirectory, "Models", FileName));

    public static AnswerModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"the answer model '{path}' does not exist; train one with 'search-cli train answer' or set Answer:ModelPath", path);
        }

        AnswerModel? model;
        var bytes = File.ReadAllBytes(path);
        try
        {
            model = JsonSerializer.Deserialize<AnswerModel>(bytes, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the answer model '{path}' is not valid JSON: {e.Message}", e);
        }

        if (model is null)
        {
            throw new InvalidDataException($"the answer model '{path}' is empty");
        }

        model.Check(path);
        model.Version = "answer-model-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..12];
        return model;
    }

    public void Save(string path)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, this, Json);
    }

    /// <summary>The calibrated probability that the option described by <paramref name="features"/> is right.</summary>
    public double Probability(ReadOnlySpan<float> features) => Calibration.Probability(Confidence.Score(features));

    /// <summary>The threshold for <paramref name="targetPrecision"/> on the model's curve (<see cref="CurvePoint.ThresholdFor"/>).</summary>
    public double ThresholdFor(double targetPrecision) => CurvePoint.ThresholdFor(Curve, targetPrecision);

    private void Check(string path)
    {
        if (!FeatureNames.SequenceEqual(AnswerFeatures.Names) && !FeatureNames.SequenceEqual(AnswerFeatures.Names.Take(AnswerFeatures.CountWithoutSimilarity)))
        {
            throw new InvalidDataException(
                $"the answer model '{path}' was trained on features [{string.Join(", ", FeatureNames)}] but this service computes [{string.Join(", ", AnswerFeatures.Names)}]; retrain it with 'search-cli train answer'");
        }

        // A model without the similarity features has no tree that reads them.
        Ranker.Check(FeatureNames.Count, path);
        Confidence.Check(FeatureNames.Count, path);
        Calibration.Check(path);
        CurvePoint.Check(Curve, path);
        Reader?.Check(path);
    }
}
