using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Search.Cli.Commands;
using Search.Evaluation;
using Search.Reading;
using Search.Reading.Neural;

namespace Search.Cli.Training;

/// <summary>
/// Fits the confidence that reads the neural reader (<see cref="ReaderConfidence"/>), after the feature model: the
/// reader reads the sentence of the box the feature model chose, and two rows per question say whether its span, and
/// the sentence whole, hold a gold answer. Trees on folds 0–2 (the feature confidences of folds 0 and 1 from models
/// fitted on the other fold, fold 2's from the feature model); an isotonic calibration and the curve per language on
/// each fold's scores by trees that never saw it; figures on fold 3.
/// </summary>
internal sealed class ReaderConfidenceTrainer(MLContext ml, TextWriter output, NeuralReader reader)
{
    internal const int Trees = 100;
    internal const int Leaves = 16;

    /// <summary>What the reader saw in one question, and what each box would have been worth.</summary>
    internal sealed record Looked(
        TrainingQuestion Question, string Language, float[] Span, bool SpanRight, double SpanExact, float[]? Sentence, bool SentenceRight);

    /// <summary>
    /// The reader's look at each question of a fold, judged by <paramref name="model"/>'s feature confidence with the
    /// box chosen at <paramref name="threshold"/> (the feature model's for the default target). Questions the reader
    /// does not read (language, nothing found) are left out: the service decides those by the feature model alone.
    /// </summary>
    public List<Looked> Look(AnswerModel model, double threshold, IReadOnlyList<(TrainingQuestion Question, AnswerReading Reading)> questions)
    {
        var extractor = new AnswerExtractor(AnswerTrainer.Defaults, model, reader);
        var looked = new List<Looked>();
        foreach (var (question, reading) in questions)
        {
            var (span, sentence) = extractor.Judge(reading);
            if (AnswerDecision.Choose(span, sentence, threshold, sentenceFallback: true) is not { } best)
            {
                continue;
            }

            var passages = AnswerTrainer.Passages(question);
            if (extractor.ReadAgain(AnswerTrainer.QuestionText(question), reading, span, best, passages).Look is not { } look)
            {
                continue;
            }

            var golds = question.Question.Answers;
            var chinese = AnswerMetrics.IsChinese(question.Question.Question, golds);
            var spanText = look.Span.Answer.Of(passages[look.Span.PassageIndex].Text);
            looked.Add(new Looked(
                question,
                look.Language,
                look.SpanFeatures,
                AnswerMetrics.ContainsAnyGold(spanText, golds, chinese),
                AnswerMetrics.ExactMatch(spanText, golds, chinese),
                look.SentenceFeatures,
                look.Sentence is { } whole && AnswerMetrics.ContainsAnyGold(whole.Answer.Of(passages[whole.PassageIndex].Text), golds, chinese)));
        }

        return looked;
    }

    /// <summary>
    /// Trees on every row of <paramref name="looked"/> (folds 0–2). The calibration and the curve per language come from
    /// each fold's scores by trees fitted on the other two, pooled: three folds' questions rather than one fold's, and
    /// no fold judged by trees that learned it.
    /// </summary>
    public ReaderConfidence Fit(IReadOnlyList<Looked> looked, double[] thresholds)
    {
        var trees = FitTrees(looked, "folds 0-2");
        var outOfFold = new Dictionary<Looked, (double Span, double? Sentence)>(ReferenceEqualityComparer.Instance);
        foreach (var fold in looked.GroupBy(q => q.Question.Fold))
        {
            var others = FitTrees(looked.Where(q => q.Question.Fold != fold.Key).ToList(), $"the folds but {fold.Key}");
            foreach (var q in fold)
            {
                outOfFold[q] = (others.Score(q.Span), q.Sentence is { } sentence ? others.Score(sentence) : null);
            }
        }

        var calibrations = new Dictionary<string, IsotonicCalibration>();
        var curves = new Dictionary<string, IReadOnlyList<CurvePoint>>();
        foreach (var language in looked.GroupBy(q => q.Language))
        {
            var pairs = new List<(double Score, bool Right)>();
            foreach (var q in language)
            {
                var (span, sentence) = outOfFold[q];
                pairs.Add((span, q.SpanRight));
                if (sentence is { } s)
                {
                    pairs.Add((s, q.SentenceRight));
                }
            }

            var calibration = ConfidenceTrainer.Isotonic(pairs);
            calibrations[language.Key] = calibration;
            var questions = language.ToList();
            curves[language.Key] = thresholds.Select(t => Measure(questions, t, (q, sentence) =>
                calibration.Probability(sentence ? outOfFold[q].Sentence!.Value : outOfFold[q].Span)).Point(t)).ToList();
        }

        return new ReaderConfidence
        {
            ReaderVersion = reader.Version,
            FeatureNames = ReaderFeatures.Names,
            Confidence = trees,
            Calibrations = calibrations,
            Curves = curves,
        };
    }

    private TreeEnsemble FitTrees(IReadOnlyList<Looked> looked, string what)
    {
        var rows = new List<(float[] Features, bool Label)>();
        foreach (var q in looked)
        {
            rows.Add((q.Span, q.SpanRight));
            if (q.Sentence is { } sentence)
            {
                rows.Add((sentence, q.SentenceRight));
            }
        }

        output.WriteLine($"train: reader confidence on {rows.Count} boxes of {looked.Count} questions of {what} ({rows.Count(r => r.Label)} right)");
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new ReaderRow { Features = r.Features, Label = r.Label }));
        var trees = TreeExport.FitBinary(ml, data, rows.Select(r => r.Features).ToList(), Trees, Leaves, "reader confidence");
        return trees;
    }

    /// <summary>
    /// What the service shows with <paramref name="confidence"/>: the reader's span when it clears the language's
    /// threshold, else the sentence whole when it does; how many of those hold a gold answer; the span's exact match.
    /// </summary>
    public static AnswerMeasure.Measurement Measure(ReaderConfidence confidence, IReadOnlyList<Looked> questions, Func<string, double> threshold) =>
        Measure(questions, threshold, (q, sentence) => confidence.Probability(sentence ? q.Sentence! : q.Span, q.Language));

    private static AnswerMeasure.Measurement Measure(IReadOnlyList<Looked> questions, double threshold, Func<Looked, bool, double> probability) =>
        Measure(questions, _ => threshold, probability);

    /// <param name="probability">the calibrated probability of a question's span (false) or sentence (true)</param>
    private static AnswerMeasure.Measurement Measure(IReadOnlyList<Looked> questions, Func<string, double> threshold, Func<Looked, bool, double> probability)
    {
        int shown = 0, right = 0;
        double exact = 0;
        foreach (var q in questions)
        {
            exact += q.SpanExact;
            var t = threshold(q.Language);
            if (probability(q, false) >= t)
            {
                shown++;
                right += q.SpanRight ? 1 : 0;
            }
            else if (q.Sentence is not null && probability(q, true) >= t)
            {
                shown++;
                right += q.SentenceRight ? 1 : 0;
            }
        }

        return new AnswerMeasure.Measurement(questions.Count, shown, right, questions.Count == 0 ? 0 : exact / questions.Count);
    }

    /// <summary>
    /// Figures per file at the thresholds for <paramref name="targets"/>, printed and returned for the model's record;
    /// coverage counts every question of the file (<paramref name="totals"/>), read or not.
    /// </summary>
    public JsonObject Report(ReaderConfidence confidence, IReadOnlyList<Looked> questions, IReadOnlyDictionary<string, int> totals, double[] targets, string fold)
    {
        var report = new JsonObject();
        foreach (var file in questions.GroupBy(q => q.Question.File))
        {
            var entry = new JsonObject { ["questions"] = totals[file.Key], ["read"] = file.Count() };
            foreach (var target in targets)
            {
                var m = Measure(confidence, file.ToList(), language => confidence.ThresholdFor(target, language));
                var coverage = (double)m.Shown / totals[file.Key];
                var em = m.SpanExact * m.Questions / totals[file.Key];
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"train: {fold} {file.Key} with the reader, target {target:0.00}: questions={totals[file.Key]} read={m.Questions} span_em={em:0.000} box_precision={m.Precision:0.000} box_coverage={coverage:0.000}"));
                entry[target.ToString("0.00", CultureInfo.InvariantCulture)] = new JsonObject
                {
                    ["span_exact_match"] = Math.Round(em, 4),
                    ["box_precision"] = Math.Round(m.Precision, 4),
                    ["box_coverage"] = Math.Round(coverage, 4),
                };
            }

            report[file.Key] = entry;
        }

        return report;
    }
}
