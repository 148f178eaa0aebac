using Search.Text;

namespace Search.Reading;

/// <summary>
/// A passage to read; passages come best first. <paramref name="Score"/> is its rerank score (kept with
/// the passage, not read: a fused rerank score is close to 1 for every good passage) and
/// <paramref name="RetrievalScore"/> its BM25 score (0 when unknown), read as ratios to the top passage's.
/// <paramref name="Title"/> is its document's title (empty when unknown). <paramref name="Sentences"/> are its sentences'
/// similarities to the query, from retrieval's sentence vectors (English only; null when unknown).
/// </summary>
public sealed record AnswerPassage(string Text, double Score = 0, double RetrievalScore = 0, string Title = "", IReadOnlyList<ScoredSentence>? Sentences = null);

/// <summary>A sentence of a passage (its range in the passage's text) and the cosine similarity of its vector to the query's.</summary>
public readonly record struct ScoredSentence(TextRange Range, double Similarity)
{
    /// <summary>Sentences read per passage: a passage of retrieval's size holds a dozen at most.</summary>
    public const int MaxPerPassage = 256;

    /// <summary>
    /// The sentences of a passage as reading takes them from a caller: null when there are none; values outside [-1, 1]
    /// are not a cosine and are left out, and only the first <see cref="MaxPerPassage"/> are read.
    /// </summary>
    public static List<ScoredSentence>? Accept(IReadOnlyCollection<ScoredSentence> sentences) =>
        sentences.Count == 0 ? null : [.. sentences.Where(s => s.Similarity is >= -1 and <= 1).Take(MaxPerPassage)];
}

/// <summary>What chose an answer's short span: the answer box's <c>short_answer_by</c>.</summary>
public static class ShortAnswerBy
{
    /// <summary>The feature ranker: the reader is off, the text is Chinese, or the reader found nothing.</summary>
    public const string Features = "features";

    /// <summary>The neural span reader of that version.</summary>
    public static string Neural(string version) => "neural " + version;

    /// <summary>The ranker, because the reader failed (a degradation, with its reason).</summary>
    public static string Failed(string reason) => "features (the neural reader failed: " + reason + ")";
}

/// <summary>How an answer was taken from its passage.</summary>
public enum AnswerShape
{
    /// <summary>A short typed span (name, date, number, place) inside a sentence.</summary>
    Span = 1,

    /// <summary>A whole sentence, when no typed span was found.</summary>
    Sentence = 2,
}

/// <summary>The best answer found: ranges are inside the passage's text.</summary>
public sealed record AnswerCandidate(
    int PassageIndex,
    TextRange Answer,
    TextRange Sentence,
    AnswerShape Shape,
    ExpectedAnswer Type,
    double Confidence,
    IReadOnlyList<float> Features);

/// <summary>
/// The best candidate (when any sentence relates to the question), whether it is shown, the best short answer (the
/// span the ranker found, or the neural reader's in the candidate's sentence; beside a candidate that is a sentence)
/// and what chose the short answer (<see cref="ShortAnswerBy"/>). <see cref="ReaderSkipped"/>: the caller asked for no
/// read and the neural reader would have read this answer.
/// </summary>
public sealed record AnswerResult(AnswerCandidate? Candidate, bool Shown, string AbstainReason, AnswerCandidate? BestSpan = null, string ReadBy = "")
{
    public bool ReaderSkipped { get; init; }

    /// <summary>Whether the candidate was held back by the confidence threshold alone (not by a rival document or the reader).</summary>
    public bool HeldByThreshold { get; init; }

    public static AnswerResult None(string reason) => new(null, false, reason);
}

/// <summary>One answer the model weighs: a span or a whole sentence, with its features (see <see cref="AnswerFeatures"/>).</summary>
public sealed class AnswerChoice(int passageIndex, TextRange answer, TextRange sentence, AnswerShape shape, ExpectedAnswer type, float[] features)
{
    public int PassageIndex { get; } = passageIndex;
    public TextRange Answer { get; } = answer;
    public TextRange Sentence { get; } = sentence;
    public AnswerShape Shape { get; } = shape;
    public ExpectedAnswer Type { get; } = type;

    /// <summary>The feature vector; the ranker's score and margin are filled in when the options are judged.</summary>
    public float[] Features { get; } = features;

    /// <summary>
    /// The share of the question's words beyond its passage's title (the document's subject) that the option's
    /// sentence holds (the reader's focus overlap); an option whose sentence holds none is never shown, and neither is one
    /// of a passage about a neighbouring year, not the one the question names (0).
    /// </summary>
    public double Focus { get; init; } = 1;

    /// <summary>
    /// Whether the option may be the answer: false for a span when the question asks for a measure or a count that other
    /// options state and this one does not (<see cref="Measures"/>), and for a sentence that names no one when a who-question
    /// asks (AnswerExtractor). A span that may not still counts for its sentence's score.
    /// </summary>
    public bool Eligible { get; internal set; } = true;

    public AnswerCandidate ToCandidate(double confidence) =>
        new(PassageIndex, Answer, Sentence, Shape, Type, confidence, (float[])Features.Clone());
}

/// <summary>The answer options found in the best sentences, or none with the reason.</summary>
/// <param name="StrictlyAsked">the measures the question asks for that only their own kind answers (<see cref="Measures.StrictlyAsked"/>)</param>
public sealed record AnswerReading(
    IReadOnlyList<AnswerChoice> Spans, IReadOnlyList<AnswerChoice> Sentences, string Reason, Measure StrictlyAsked = Measure.None, Measure Asked = Measure.None)
{
    public static AnswerReading Empty(string reason) => new([], [], reason);
}

/// <summary>Which of the best span and the best sentence the box shows.</summary>
public static class AnswerDecision
{
    /// <summary>
    /// The span when it clears <paramref name="threshold"/>; else the sentence when it does and the
    /// fallback is on (the box then shows something right rather than nothing); else the span, which
    /// will not be shown but is the reader's best short guess.
    /// </summary>
    public static AnswerCandidate? Choose(AnswerCandidate? span, AnswerCandidate? sentence, double threshold, bool sentenceFallback)
    {
        if (span is null || sentence is null)
        {
            return span ?? sentence;
        }

        if (span.Confidence >= threshold || !sentenceFallback)
        {
            return span;
        }

        return sentence.Confidence >= threshold ? sentence : span;
    }
}
