namespace Search.Reading;

/// <summary>
/// The features of the confidence that reads the neural reader: one vector per way the box can show the sentence the
/// reader read (its span, or the whole sentence). The order is part of the model file (<see cref="Names"/>).
/// </summary>
public static class ReaderFeatures
{
    /// <summary>The feature model's calibrated probability for the ranker's best span (0 when there is none).</summary>
    public const int SpanConfidence = 0;

    /// <summary>The feature model's calibrated probability for the read sentence shown whole (0 when it is no sentence option).</summary>
    public const int SentenceConfidence = 1;

    /// <summary>What the box would show: 1 the whole sentence, 0 the reader's span.</summary>
    public const int IsSentence = 2;

    public const int Chinese = 3;

    /// <summary>The reader's start and end softmax probabilities multiplied.</summary>
    public const int Probability = 4;

    /// <summary>The reader's start and end scores added.</summary>
    public const int Score = 5;

    /// <summary>How much the reader's span and the ranker's best span overlap: shared characters over all they cover.</summary>
    public const int Agreement = 6;

    /// <summary>The ranker's score of the option that is exactly the reader's span (-10 when no option is).</summary>
    public const int OptionScore = 7;

    /// <summary>2 when the reader's span is a typed option (name, date, number, place), 1 when it overlaps one, else 0.</summary>
    public const int Typed = 8;

    public const int Chars = 9;

    /// <summary>How many of the passages read hold the reader's span text.</summary>
    public const int Redundancy = 10;

    public const int QuestionForm = 11;

    /// <summary>The read sentence's rank among the sentences scored against the question.</summary>
    public const int SentenceRank = 12;

    /// <summary>
    /// The reader's best span score less its no-answer score in the read sentence (<see cref="ReaderLook.AnswerMargin"/>):
    /// low when a reader trained with sentences that do not answer says this one does not.
    /// </summary>
    public const int AnswerMargin = 13;

    public const int Count = 14;

    public static readonly IReadOnlyList<string> Names =
    [
        "span_confidence", "sentence_confidence", "is_sentence", "chinese", "reader_probability", "reader_score",
        "agreement", "option_score", "typed", "chars", "redundancy", "question_form", "sentence_rank",
        "answer_margin",
    ];
}

/// <summary>
/// The confidence that reads the neural reader, trained by <c>search-cli train answer</c> after the feature model:
/// boosted trees over <see cref="ReaderFeatures"/>, calibrated and given a precision–coverage curve per language
/// ("en", "zh"), so that one target precision sets a threshold for each. It belongs to the reader of
/// <see cref="ReaderVersion"/>: another reader's probabilities are not what it learned from.
/// </summary>
public sealed class ReaderConfidence
{
    public string ReaderVersion { get; init; } = "";
    public IReadOnlyList<string> FeatureNames { get; init; } = [];
    public TreeEnsemble Confidence { get; init; } = new();
    public IReadOnlyDictionary<string, IsotonicCalibration> Calibrations { get; init; } = new Dictionary<string, IsotonicCalibration>();

    /// <summary>Per language, thresholds ascending, as the service decides: the span when it clears, else the sentence.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CurvePoint>> Curves { get; init; } = new Dictionary<string, IReadOnlyList<CurvePoint>>();

    /// <summary>Whether it was fitted for <paramref name="language"/>.</summary>
    public bool Knows(string language) => Calibrations.ContainsKey(language) && Curves.ContainsKey(language);

    /// <summary>The calibrated probability, for a question in <paramref name="language"/>, that the box described by <paramref name="features"/> is right.</summary>
    public double Probability(ReadOnlySpan<float> features, string language) => Calibrations[language].Probability(Confidence.Score(features));

    public double ThresholdFor(double targetPrecision, string language) => CurvePoint.ThresholdFor(Curves[language], targetPrecision);

    internal void Check(string path)
    {
        if (!FeatureNames.SequenceEqual(ReaderFeatures.Names))
        {
            throw new InvalidDataException(
                $"the answer model '{path}' has a reader confidence on features [{string.Join(", ", FeatureNames)}] but this service computes [{string.Join(", ", ReaderFeatures.Names)}]; retrain it with 'search-cli train answer'");
        }

        Confidence.Check(ReaderFeatures.Count, path);
        foreach (var (language, calibration) in Calibrations)
        {
            calibration.Check($"{path} ({language})");
            if (!Curves.TryGetValue(language, out var curve))
            {
                throw new InvalidDataException($"{path}: the reader confidence has a calibration for '{language}' but no curve");
            }

            CurvePoint.Check(curve, path);
        }
    }
}

/// <summary>
/// The two boxes the read sentence can give, each with its <see cref="ReaderFeatures"/>: its span as the reader found
/// it, and the sentence whole (null when it is no sentence option, e.g. a passage of one sentence).
/// </summary>
public sealed record ReaderLook(string Language, AnswerCandidate Span, float[] SpanFeatures, AnswerCandidate? Sentence, float[]? SentenceFeatures)
{
    /// <summary>How far the reader's best span scored above its no-answer score (<see cref="ReadAnswer.NoAnswerScore"/>).</summary>
    public double AnswerMargin => SpanFeatures[ReaderFeatures.AnswerMargin];
}
