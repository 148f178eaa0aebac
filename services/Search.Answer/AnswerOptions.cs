using System.ComponentModel.DataAnnotations;

namespace Search.Answer;

/// <summary>Settings of the answer service, bound from the "Answer" section and validated at start.</summary>
public sealed class AnswerOptions
{
    public const string SectionName = "Answer";

    /// <summary>
    /// Confidence a candidate needs before the box is shown. A wrong box costs more trust than a
    /// missing one, so the default was chosen on the SQuAD/CMRC/DRCD measurements for precision first.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinConfidence { get; set; } = 0.7;

    /// <summary>
    /// When the typed span is below <see cref="MinConfidence"/> but its best sentence is above it, answer
    /// with the sentence: measured, this keeps shown-box precision and raises coverage a lot, at the
    /// cost of fewer exact short answers.
    /// </summary>
    public bool SentenceFallback { get; set; } = true;

    /// <summary>How many of the top passages are read.</summary>
    [Range(1, 50)]
    public int MaxPassages { get; set; } = 5;

    /// <summary>Only this much of each passage is read; retrieval passages are far shorter, so this only stops abuse.</summary>
    [Range(100, 1_000_000)]
    public int MaxPassageChars { get; set; } = 10_000;

    /// <summary>Sentences longer than this are cut at clause boundaries so that a sentence answer stays readable.</summary>
    [Range(40, 10_000)]
    public int MaxSentenceChars { get; set; } = 400;

    /// <summary>How many of the best sentences are searched for a typed span.</summary>
    [Range(1, 10)]
    public int SpanSentences { get; set; } = 3;

    /// <summary>Weight of question-term overlap weighted by rarity among the candidate sentences.</summary>
    [Range(0.0, 100.0)]
    public double OverlapWeight { get; set; } = 1.0;

    /// <summary>Weight of the share of question terms the sentence contains.</summary>
    [Range(0.0, 100.0)]
    public double CoverageWeight { get; set; } = 0.5;

    /// <summary>Weight of how close together the matched terms sit in the sentence.</summary>
    [Range(0.0, 100.0)]
    public double ProximityWeight { get; set; } = 0.2;

    /// <summary>Weight of the passage's rank from retrieval/rerank (1 for the top passage, then 1/(1+rank)).</summary>
    [Range(0.0, 100.0)]
    public double RankWeight { get; set; } = 0.15;

    /// <summary>Bonus of a sentence that holds a candidate of the expected answer type.</summary>
    [Range(0.0, 100.0)]
    public double TypeMatchWeight { get; set; } = 0.2;
}
