using Microsoft.ML;
using Search.Cli.Commands;
using Search.Reading;

namespace Search.Cli.Training;

/// <summary>
/// Fits the confidence model (is the option the box would show right?) and its isotonic calibration, which
/// turns the model's score into the probability of being right.
/// </summary>
internal sealed class ConfidenceTrainer(MLContext ml, TextWriter output)
{
    /// <summary>
    /// A binary model on the best span and every sentence option of both training folds, each fold's rows
    /// getting ranker scores from the ranker fitted on the other fold.
    /// </summary>
    public TreeEnsemble Fit(
        IReadOnlyList<(TrainingQuestion Question, AnswerReading Reading)> rankerFold, TreeEnsemble rankerOnRankerFold,
        IReadOnlyList<(TrainingQuestion Question, AnswerReading Reading)> confidenceFold, TreeEnsemble rankerOnConfidenceFold)
    {
        var rows = new List<Row>();
        AddRows(rows, confidenceFold, rankerOnRankerFold);
        AddRows(rows, rankerFold, rankerOnConfidenceFold);
        output.WriteLine($"train: confidence model on {rows.Count} options ({rows.Count(r => r.Label > 0)} right)");
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow { Features = r.Features, Label = r.Label > 0 }));
        var confidence = TreeExport.FitBinary(ml, data, rows.Select(r => r.Features).ToList(), AnswerTrainer.ConfidenceTrees, AnswerTrainer.Leaves, "confidence");
        return confidence;
    }

    /// <summary>The calibration of <paramref name="confidence"/> on questions neither model saw: the best span and the best sentence of each.</summary>
    public static IsotonicCalibration Calibrate(
        AnswerExtractor extractor, TreeEnsemble confidence, IReadOnlyList<(TrainingQuestion Question, AnswerReading Reading)> questions)
    {
        var pairs = new List<(double Score, bool Right)>();
        foreach (var (question, reading) in questions)
        {
            var (span, sentences) = Options(extractor, reading);
            if (span is not null)
            {
                pairs.Add((confidence.Score(span.Features), AnswerLabels.Right(question, span)));
            }

            if (sentences.Count > 0)
            {
                var best = sentences.MaxBy(s => confidence.Score(s.Features))!;
                pairs.Add((confidence.Score(best.Features), AnswerLabels.Right(question, best)));
            }
        }

        return Isotonic(pairs);
    }

    /// <summary>Pool-adjacent-violators: the non-decreasing step function of score that best fits the labels, as breakpoints.</summary>
    public static IsotonicCalibration Isotonic(IReadOnlyList<(double Score, bool Right)> pairs)
    {
        var sorted = pairs.OrderBy(p => p.Score).ToList();
        var blocks = new List<(double Sum, int Count, double Low, double High)>();
        foreach (var (score, right) in sorted)
        {
            blocks.Add((right ? 1 : 0, 1, score, score));
            while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Count >= blocks[^1].Sum / blocks[^1].Count)
            {
                var (s, c, low, _) = blocks[^2];
                var last = blocks[^1];
                blocks.RemoveRange(blocks.Count - 2, 2);
                blocks.Add((s + last.Sum, c + last.Count, low, last.High));
            }
        }

        // Each block becomes one breakpoint at its mean score; interpolation between them keeps the map monotone.
        var scores = new List<double>();
        var probabilities = new List<double>();
        foreach (var (sum, count, low, high) in blocks)
        {
            scores.Add(Math.Round((low + high) / 2, 6));
            probabilities.Add(Math.Round(sum / count, 6));
        }

        return new IsotonicCalibration { Scores = scores, Probabilities = probabilities };
    }

    /// <summary>Rows for the confidence model: the best span by <paramref name="ranker"/> and every sentence option, each labelled right or wrong.</summary>
    private static void AddRows(List<Row> rows, IReadOnlyList<(TrainingQuestion Question, AnswerReading Reading)> questions, TreeEnsemble ranker)
    {
        var extractor = new AnswerExtractor(AnswerTrainer.Defaults, new AnswerModel { FeatureNames = AnswerFeatures.Names, Ranker = ranker });
        foreach (var (question, reading) in questions)
        {
            var (span, sentences) = Options(extractor, reading);
            if (span is not null)
            {
                rows.Add(new Row { Features = Row.Snapshot(span.Features, withRanker: true), Label = AnswerLabels.Right(question, span) ? 1 : 0 });
            }

            rows.AddRange(sentences.Select(s => new Row { Features = Row.Snapshot(s.Features, withRanker: true), Label = AnswerLabels.Right(question, s) ? 1 : 0 }));
        }
    }

    /// <summary>The ranker's best span and every sentence option, with the ranker's scores filled in as the service does.</summary>
    private static (AnswerChoice? Span, IReadOnlyList<AnswerChoice> Sentences) Options(AnswerExtractor extractor, AnswerReading reading)
    {
        var (span, _) = extractor.Judge(reading);
        var best = span is null ? null : reading.Spans.First(o => o.Answer == span.Answer && o.PassageIndex == span.PassageIndex);
        return (best, reading.Sentences);
    }
}
