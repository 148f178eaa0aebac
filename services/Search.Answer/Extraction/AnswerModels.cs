using Search.Text;

namespace Search.Answer.Extraction;

/// <summary>A passage to read; passages come best first and their rank is what the scorer uses.</summary>
public sealed record AnswerPassage(string Text);

/// <summary>How an answer was taken from its passage.</summary>
public enum AnswerShape
{
    /// <summary>A short typed span (name, date, number, place) inside a sentence.</summary>
    Span = 1,

    /// <summary>A whole sentence, when no typed span was found.</summary>
    Sentence = 2,
}

/// <summary>The signals the confidence is computed from, kept so a response can be explained.</summary>
public sealed record ConfidenceFeatures(
    double Overlap,
    double Coverage,
    double Margin,
    bool TopPassage,
    bool Typed,
    bool IsSpan,
    int Rivals,
    double SpanMargin,
    double SpanPrior);

/// <summary>The best answer found: ranges are inside the passage's text.</summary>
public sealed record AnswerCandidate(
    int PassageIndex,
    TextRange Answer,
    TextRange Sentence,
    AnswerShape Shape,
    ExpectedAnswer Type,
    double Confidence,
    ConfidenceFeatures Features);

/// <summary>The best candidate (when any sentence relates to the question) and whether it is shown.</summary>
public sealed record AnswerResult(AnswerCandidate? Candidate, bool Shown, string AbstainReason)
{
    public static AnswerResult None(string reason) => new(null, false, reason);
}
