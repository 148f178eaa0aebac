using System.ComponentModel.DataAnnotations;

namespace Search.Reading;

/// <summary>Settings of the answer service, bound from the "Answer" section and validated at start.</summary>
public sealed class ReaderOptions
{
    public const string SectionName = "Answer";

    /// <summary>
    /// Share of shown boxes that should be right. The answer model's precision–coverage curve, measured on
    /// held-apart questions, turns it into the confidence threshold: the lowest one whose precision reaches
    /// this target. A wrong box costs more trust than a missing one, so the default is high.
    /// </summary>
    [Range(0.5, 0.999)]
    public double TargetPrecision { get; set; } = 0.9;

    /// <summary>
    /// When the best span is below the threshold but a sentence is above it, answer with the sentence
    /// (the box then highlights the sentence): more boxes at the same precision, fewer exact short answers.
    /// </summary>
    public bool SentenceFallback { get; set; } = true;

    /// <summary>
    /// When another document than the box's, ranked as high, has a sentence that holds as much of the question and states
    /// a different answer of the asked kind, show no box: two notices of one name that disagree ("the curator of
    /// 《玻璃之声》" at two museums) leave the answer to chance (docs/quality.md, "Names as notices give them").
    /// </summary>
    public bool AbstainOnRivals { get; set; } = true;

    /// <summary>
    /// Show a short answer below the threshold, down to <see cref="SoleMeasureFloor"/>, when the question asks a measure
    /// (a price, a duration, a time of day, a count of people, …, <see cref="Measures"/>), the answer states it, its
    /// passage ranks first, and no other typed option of a sentence that holds the question's words states one ("三杯雞的烹調時間是多久？"
    /// over a recipe whose one duration is "烹調時間約25分鐘"). The confidence was fitted on Wikipedia questions and rates
    /// these 0.45–0.75; on our own notices every one of them on an answerable question was right (docs/quality.md, "One
    /// measure asked, one stated").
    /// </summary>
    public bool ShowSoleMeasures { get; set; } = true;

    /// <summary>The least confidence at which <see cref="ShowSoleMeasures"/> shows a box (0.45: at 0.30 it also showed wrong ones).</summary>
    [Range(0.0, 1.0, ErrorMessage = "Answer:SoleMeasureFloor must be between 0 and 1")]
    public double SoleMeasureFloor { get; set; } = 0.45;

    /// <summary>The answer model file; empty for the one shipped with the service (Models/answer-model.json).</summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// Whether the fine-tuned span reader chooses the short answer of English questions inside the sentence the box
    /// shows (off: the feature ranker's span, as for Chinese). docs/quality.md, "The neural reader".
    /// </summary>
    public bool NeuralReader { get; set; } = true;

    /// <summary>
    /// The languages the span reader answers ("en", "zh"; comma-separated), of those it was trained on (the shipped one:
    /// both). A question, or the sentence read, with Chinese characters counts as "zh".
    /// </summary>
    [RegularExpression("^ *(en|zh)? *(, *(en|zh) *)*$", ErrorMessage = "Answer:NeuralReaderLanguages: a comma-separated list of en and zh")]
    public string NeuralReaderLanguages { get; set; } = "en,zh";

    /// <summary>
    /// Word pieces per window the span reader reads (question and sentence together); empty for the width it was
    /// trained on (64 for the shipped reader). A wider window reads a long sentence in fewer overlapping windows: 96
    /// took 16% (SQuAD), 27% (DRCD) and 22% (CMRC) off the CPU of a read, with EM within 0.006 and CMRC's F1 2.3 points
    /// lower (docs/quality.md, "What a read costs").
    /// </summary>
    [Range(32, 512, ErrorMessage = "Answer:NeuralReaderWindow must be between 32 and 512 word pieces, or empty for the trained width")]
    public int? NeuralReaderWindow { get; set; }

    /// <summary>
    /// Whether the span reader also reads for a box that is not shown (its short answer then goes out with the
    /// abstained answer, which only API clients and evaluation see). Off by default: one read costs 15-18 ms of CPU on
    /// a core without eight-bit dot-product instructions, so it is spent only on boxes people see. A model with a
    /// reader confidence reads always, because the reader's look decides whether the box is shown.
    /// </summary>
    public bool NeuralReaderReadsAbstained { get; set; }

    /// <summary>
    /// Per language of the box ("en", "zh"): with a reader trained to say "no answer" (<c>search-reader-train
    /// --negatives</c>), a box the feature model would show is held back when the reader's best span scores less than
    /// this above its no-answer score in the box's sentence (<c>Answer:NeuralReaderVeto:en=-4</c>). A language without
    /// an entry is never held back by the reader. The answer service's appsettings.json sets 0 for English, read by
    /// the English reader (Models/reader-en.onnx), chosen on the calibration fold (docs/quality.md, "An English reader
    /// that can say no"). Meaningless with a reader trained without negatives, whose no-answer score it never learnt:
    /// set it with <see cref="NeuralReaderPaths"/> or clear both.
    /// </summary>
    public Dictionary<string, double> NeuralReaderVeto { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The span reader's model file; empty for the one shipped with the service (Models/reader.onnx).</summary>
    public string? NeuralReaderPath { get; set; }

    /// <summary>
    /// Per language ("en", "zh"): a span reader's model file that reads that language's boxes instead of
    /// <see cref="NeuralReaderPath"/>'s (<c>Answer:NeuralReaderPaths:en=/models/reader-en.onnx</c>). The reader must
    /// have been trained on the language. The answer service's appsettings.json gives English Models/reader-en.onnx,
    /// trained on English alone with sentences that do not answer (it reads no Chinese); an empty value leaves a
    /// language to <see cref="NeuralReaderPath"/>'s reader.
    /// </summary>
    public Dictionary<string, string> NeuralReaderPaths { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many of the top passages are read.</summary>
    [Range(1, 50)]
    public int MaxPassages { get; set; } = 5;

    /// <summary>Only this much of each passage is read; retrieval passages are far shorter, so this only stops abuse.</summary>
    [Range(100, 1_000_000)]
    public int MaxPassageChars { get; set; } = 10_000;

    /// <summary>Sentences longer than this are cut at clause boundaries so that a sentence answer stays readable.</summary>
    [Range(40, 10_000)]
    public int MaxSentenceChars { get; set; } = 400;

    /// <summary>How many of the best sentences are searched for answer spans (the model was trained with 3).</summary>
    [Range(1, 10)]
    public int SpanSentences { get; set; } = 3;

    /// <summary>
    /// How many sentences beyond <see cref="SpanSentences"/> are also searched for answer spans because they are the
    /// closest to the question by meaning (retrieval's sentence vectors; English), when the model was trained on them.
    /// </summary>
    [Range(0, 10)]
    public int SimilarSentences { get; set; } = 2;

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
}
