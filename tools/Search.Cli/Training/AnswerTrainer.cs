using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Search.Cli.Commands;
using Search.Cli.Evaluation;
using Search.Contracts.V1;
using Search.Evaluation;
using Search.Reading;
using Search.Text;
using ExportedTree = Search.Reading.RegressionTree;

namespace Search.Cli.Training;

/// <summary>
/// Fits the answer model with ML.NET FastTree (gradient-boosted trees) on questions the cluster answered:
/// <list type="number">
/// <item>a LambdaMART span ranker on folds 0 and 1 (label 2 for an exact gold answer, 1 for token F1 ≥ 0.5);</item>
/// <item>a binary confidence model on folds 0 and 1, on the ranker's best span and every sentence option
///   (label: the highlighted text contains a gold answer, as <c>eval squad</c> counts a right box), where
///   each fold's ranker scores come from a ranker fitted on the other fold;</item>
/// <item>an isotonic calibration of the confidence on fold 2 and the precision–coverage curve there;</item>
/// <item>figures on fold 3, which nothing was fitted on.</item>
/// </list>
/// The trees are exported into the model file and scored by the service's own evaluator; the export is
/// checked against ML.NET's scores before the file is written.
/// </summary>
public sealed class AnswerTrainer(TextWriter output, string? mistakesPath = null)
{
    private const int Seed = 20261128;
    private const int RankerTrees = 200;
    private const int ConfidenceTrees = 150;
    private const int Leaves = 24;
    private const int MinLeafRows = 20;
    private const double LearningRate = 0.1;

    /// <summary>Thresholds the curve is measured at: 0.05, 0.06, … 0.99.</summary>
    private static readonly double[] CurveThresholds = Enumerable.Range(5, 95).Select(i => i / 100.0).ToArray();

    private readonly MLContext _ml = new(Seed);
    /// <summary>The service's defaults: what the model is trained and measured with.</summary>
    private static readonly ReaderOptions Defaults = new();

    private readonly AnswerExtractor _reader = new(Defaults, new AnswerModel());

    public AnswerModel Fit(IReadOnlyList<TrainingQuestion> questions, TrainingRecord record)
    {
        var read = questions.Select(q => (Question: q, Reading: Read(q))).ToList();
        var folds = Enumerable.Range(0, AnswerFolds.Count).Select(f => read.Where(r => r.Question.Fold == f).ToList()).ToArray();
        output.WriteLine($"train: {questions.Count} questions; folds (ranker, confidence, calibration, held out): {string.Join(", ", folds.Select(f => f.Count))}");

        // 1. The span ranker, and one ranker per training fold so that each fold's confidence rows get
        //    ranker scores from a ranker that never saw them (two-fold cross-fitting).
        var rankerOnRanker = FitRanker(folds[AnswerFolds.Ranker], "ranker fold");
        var rankerOnConfidence = FitRanker(folds[AnswerFolds.Confidence], "confidence fold");
        var ranker = FitRanker([.. folds[AnswerFolds.Ranker], .. folds[AnswerFolds.Confidence]], "both training folds");

        // 2. The confidence model on the best span and every sentence of both training folds.
        var confidenceRows = new List<Row>();
        AddConfidenceRows(confidenceRows, folds[AnswerFolds.Confidence], rankerOnRanker);
        AddConfidenceRows(confidenceRows, folds[AnswerFolds.Ranker], rankerOnConfidence);
        output.WriteLine($"train: confidence model on {confidenceRows.Count} options ({confidenceRows.Count(r => r.Label > 0)} right)");
        var confidenceData = _ml.Data.LoadFromEnumerable(confidenceRows.Select(r => new BinaryRow { Features = r.Features, Label = r.Label > 0 }));
        var confidenceModel = _ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = nameof(BinaryRow.Label),
            FeatureColumnName = nameof(BinaryRow.Features),
            NumberOfTrees = ConfidenceTrees,
            NumberOfLeaves = Leaves,
            MinimumExampleCountPerLeaf = MinLeafRows,
            LearningRate = LearningRate,
            Seed = Seed,
        }).Fit(confidenceData);
        var confidence = Export(confidenceModel.Model.SubModel.TrainedTreeEnsemble);
        Verify(confidence, confidenceModel.Transform(confidenceData), confidenceRows, "confidence");
        var partial = new AnswerExtractor(Defaults, new AnswerModel { FeatureNames = AnswerFeatures.Names, Ranker = ranker, Confidence = confidence });

        // 3. Calibration and the curve, on questions neither model saw.
        var calibrationPairs = new List<(double Score, bool Right)>();
        foreach (var (question, reading) in folds[AnswerFolds.Calibration])
        {
            var (span, sentences) = Options(partial, reading);
            if (span is not null)
            {
                calibrationPairs.Add((confidence.Score(span.Features), Right(question, span)));
            }

            if (sentences.Count > 0)
            {
                var best = sentences.MaxBy(s => confidence.Score(s.Features))!;
                calibrationPairs.Add((confidence.Score(best.Features), Right(question, best)));
            }
        }

        var calibration = Isotonic(calibrationPairs);
        var model = new AnswerModel
        {
            FeatureNames = AnswerFeatures.Names,
            Ranker = ranker,
            Confidence = confidence,
            Calibration = calibration,
        };
        var curve = CurveThresholds.Select(t => Measure(model, folds[AnswerFolds.Calibration], t).Point(t)).ToList();
        model = new AnswerModel
        {
            FeatureNames = model.FeatureNames,
            Ranker = ranker,
            Confidence = confidence,
            Calibration = calibration,
            Curve = curve,
        };

        // 4. Figures on the held-out fold, per file, at the default target.
        var threshold = model.ThresholdFor(Defaults.TargetPrecision);
        var heldOut = new JsonObject();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train: threshold for precision {Defaults.TargetPrecision:0.00} on the calibration fold: {threshold:0.00}"));
        foreach (var file in folds[AnswerFolds.HeldOut].GroupBy(r => r.Question.File))
        {
            var m = Measure(model, file.ToList(), threshold);
            var calibrated = Measure(model, folds[AnswerFolds.Calibration].Where(r => r.Question.File == file.Key).ToList(), threshold);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train: held out {file.Key}: questions={m.Questions} span_em={m.SpanExact:0.000} span_recall={SpanRecall(file.ToList()):0.000} box_precision={m.Precision:0.000} box_coverage={m.Coverage:0.000} (calibration fold {calibrated.Precision:0.000}/{calibrated.Coverage:0.000})"));
            heldOut[file.Key] = new JsonObject
            {
                ["questions"] = m.Questions,
                ["span_exact_match"] = Math.Round(m.SpanExact, 4),
                ["box_precision"] = Math.Round(m.Precision, 4),
                ["box_coverage"] = Math.Round(m.Coverage, 4),
            };
        }

        if (mistakesPath is not null)
        {
            WriteMistakes(model, folds[AnswerFolds.HeldOut], mistakesPath);
        }

        var trainedOn = new JsonObject
        {
            ["command"] = "search-cli train answer " + string.Join(' ', record.Arguments.Skip(1)),
            ["files"] = new JsonArray(record.Files.Select(f => (JsonNode)Path.GetFileName(f)).ToArray()),
            ["split"] = "article index mod 4 within each file: 0 and 1 ranker and confidence, 2 calibration and curve, 3 held out",
            ["questions_per_fold"] = new JsonArray(folds.Select(f => (JsonNode)f.Count).ToArray()),
            ["trainer"] = $"ML.NET FastTree: LambdaMART ranker {RankerTrees} trees on folds 0-1, binary confidence {ConfidenceTrees} trees on folds 0-1 with cross-fitted ranker scores, {Leaves} leaves, learning rate {LearningRate}, seed {Seed}",
            ["threshold_at_default_target"] = Math.Round(threshold, 2),
            ["held_out"] = heldOut,
            ["date"] = record.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        return new AnswerModel
        {
            FeatureNames = model.FeatureNames,
            Ranker = ranker,
            Confidence = confidence,
            Calibration = calibration,
            Curve = curve,
            TrainedOn = JsonSerializer.Deserialize<JsonElement>(trainedOn.ToJsonString()),
        };
    }

    /// <summary>Fits a LambdaMART ranker on every span option of <paramref name="questions"/>, one query group per question.</summary>
    private TreeEnsemble FitRanker(IReadOnlyList<(TrainingQuestion Question, AnswerReading Reading)> questions, string name)
    {
        var rows = new List<Row>();
        var group = 0u;
        foreach (var (question, reading) in questions)
        {
            group++;
            foreach (var option in reading.Spans)
            {
                rows.Add(new Row { Features = Snapshot(option.Features, withRanker: false), Label = RankLabel(question, option), Group = group });
            }
        }

        output.WriteLine($"train: span ranker on the {name}: {rows.Count} spans of {questions.Count} questions ({rows.Count(r => r.Label >= 2)} exact)");
        var data = _ml.Data.LoadFromEnumerable(rows);
        var model = _ml.Transforms.Conversion.MapValueToKey("GroupKey", nameof(Row.Group))
            .Append(_ml.Ranking.Trainers.FastTree(new FastTreeRankingTrainer.Options
            {
                LabelColumnName = nameof(Row.Label),
                FeatureColumnName = nameof(Row.Features),
                RowGroupColumnName = "GroupKey",
                NumberOfTrees = RankerTrees,
                NumberOfLeaves = Leaves,
                MinimumExampleCountPerLeaf = MinLeafRows,
                LearningRate = LearningRate,
                Seed = Seed,
            }))
            .Fit(data);
        var ranker = Export(model.LastTransformer.Model.TrainedTreeEnsemble);
        Verify(ranker, model.Transform(data), rows, "ranker");
        return ranker;
    }

    /// <summary>Rows for the confidence model: the best span by <paramref name="ranker"/> and every sentence option, each labelled right or wrong.</summary>
    private static void AddConfidenceRows(List<Row> rows, IReadOnlyList<(TrainingQuestion Question, AnswerReading Reading)> questions, TreeEnsemble ranker)
    {
        var extractor = new AnswerExtractor(Defaults, new AnswerModel { FeatureNames = AnswerFeatures.Names, Ranker = ranker });
        foreach (var (question, reading) in questions)
        {
            var (span, sentences) = Options(extractor, reading);
            if (span is not null)
            {
                rows.Add(new Row { Features = Snapshot(span.Features, withRanker: true), Label = Right(question, span) ? 1 : 0 });
            }

            rows.AddRange(sentences.Select(s => new Row { Features = Snapshot(s.Features, withRanker: true), Label = Right(question, s) ? 1 : 0 }));
        }
    }

    /// <summary>
    /// A copy of an option's features: judging fills the ranker's score into the option itself, and the
    /// same option is judged again by other rankers. The ranker never sees its own (or another's) score.
    /// </summary>
    private static float[] Snapshot(float[] features, bool withRanker)
    {
        var copy = (float[])features.Clone();
        if (!withRanker)
        {
            copy[AnswerFeatures.RankerScore] = 0;
            copy[AnswerFeatures.RankerMargin] = 0;
        }

        return copy;
    }

    private AnswerReading Read(TrainingQuestion q)
    {
        var response = q.Response;
        var question = TextNormalizer.Normalize(response.Route?.NormalizedQuery is { Length: > 0 } normalized ? normalized : q.Question.Question);
        var passages = response.Results.Take(Defaults.MaxPassages)
            .Select(r => new AnswerPassage(r.Text, r.Score, r.RetrievalScore))
            .ToList();
        return _reader.Read(question, AnswerExtractor.ExpectedFor(ToExpected(response.Route?.AnswerType ?? AnswerType.Unspecified), question), passages);
    }

    /// <summary>The ranker's best span and every sentence option, with the ranker's scores filled in as the service does.</summary>
    private static (AnswerChoice? Span, IReadOnlyList<AnswerChoice> Sentences) Options(AnswerExtractor extractor, AnswerReading reading)
    {
        var (span, _) = extractor.Judge(reading);
        var best = span is null ? null : reading.Spans.First(o => o.Answer == span.Answer && o.PassageIndex == span.PassageIndex);
        return (best, reading.Sentences);
    }

    private static float RankLabel(TrainingQuestion q, AnswerChoice option)
    {
        var text = Text(q, option);
        var chinese = AnswerMetrics.IsChinese(q.Question.Question, q.Question.Answers);
        if (AnswerMetrics.ExactMatch(text, q.Question.Answers, chinese) >= 1)
        {
            return 2;
        }

        return AnswerMetrics.F1(text, q.Question.Answers, chinese) >= 0.5 ? 1 : 0;
    }

    /// <summary>The option's highlighted text holds a gold answer.</summary>
    private static bool Right(TrainingQuestion q, AnswerChoice option) =>
        AnswerMetrics.ContainsAnyGold(Text(q, option), q.Question.Answers, AnswerMetrics.IsChinese(q.Question.Question, q.Question.Answers));

    private static string Text(TrainingQuestion q, AnswerChoice option) =>
        option.Answer.Of(q.Response.Results[option.PassageIndex].Text);

    private sealed record Measurement(int Questions, int Shown, int Right, double SpanExact)
    {
        public double Precision => Shown == 0 ? 1 : (double)Right / Shown;
        public double Coverage => Questions == 0 ? 0 : (double)Shown / Questions;
        public CurvePoint Point(double threshold) => new(threshold, Math.Round(Precision, 4), Math.Round(Coverage, 4));
    }

    /// <summary>What the service would show at <paramref name="threshold"/> (sentence fallback on) and how often it is right.</summary>
    private static Measurement Measure(AnswerModel model, List<(TrainingQuestion Question, AnswerReading Reading)> questions, double threshold)
    {
        var extractor = new AnswerExtractor(Defaults, model);
        int shown = 0, right = 0;
        double exact = 0;
        foreach (var (question, reading) in questions)
        {
            var (span, sentence) = extractor.Judge(reading);
            if (AnswerDecision.Choose(span, sentence, threshold, sentenceFallback: true) is not { } best)
            {
                continue;
            }

            var chinese = AnswerMetrics.IsChinese(question.Question.Question, question.Question.Answers);
            var guess = (span ?? sentence)!;
            exact += AnswerMetrics.ExactMatch(guess.Answer.Of(question.Response.Results[guess.PassageIndex].Text), question.Question.Answers, chinese);
            if (best.Confidence >= threshold)
            {
                shown++;
                if (AnswerMetrics.ContainsAnyGold(best.Answer.Of(question.Response.Results[best.PassageIndex].Text), question.Question.Answers, chinese))
                {
                    right++;
                }
            }
        }

        return new Measurement(questions.Count, shown, right, questions.Count == 0 ? 0 : exact / questions.Count);
    }

    /// <summary>One line per held-out question the reader's best span got wrong: file, question, golds, span, sentence.</summary>
    private void WriteMistakes(AnswerModel model, List<(TrainingQuestion Question, AnswerReading Reading)> questions, string path)
    {
        var extractor = new AnswerExtractor(Defaults, model);
        using var writer = new StreamWriter(path);
        var written = 0;
        foreach (var (question, reading) in questions)
        {
            var (span, sentence) = extractor.Judge(reading);
            var chinese = AnswerMetrics.IsChinese(question.Question.Question, question.Question.Answers);
            string Of(AnswerCandidate? c) => c is null ? "" : c.Answer.Of(question.Response.Results[c.PassageIndex].Text);
            if (span is not null && AnswerMetrics.ExactMatch(Of(span), question.Question.Answers, chinese) >= 1)
            {
                continue;
            }

            written++;
            writer.WriteLine(string.Join('\t', question.File, question.Question.Question, string.Join(" | ", question.Question.Answers.Distinct()),
                Of(span), span?.Confidence.ToString("0.00", CultureInfo.InvariantCulture) ?? "", Of(sentence)));
        }

        output.WriteLine($"train: {written} held-out questions whose best span is not exactly right written to {path}");
    }

    /// <summary>Share of questions where some span option is exactly a gold answer: the ceiling of the ranker's exact match.</summary>
    private static double SpanRecall(List<(TrainingQuestion Question, AnswerReading Reading)> questions) =>
        questions.Count == 0 ? 0 : (double)questions.Count(q => q.Reading.Spans.Any(o => RankLabel(q.Question, o) >= 2)) / questions.Count;

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

    private static TreeEnsemble Export(RegressionTreeEnsemble ensemble) => new()
    {
        Bias = ensemble.Bias,
        Trees = ensemble.Trees.Select((tree, i) =>
        {
            if (tree.CategoricalSplitFlags.Any(c => c))
            {
                throw new InvalidOperationException("a tree uses a categorical split, which the service's evaluator does not read");
            }

            return new ExportedTree
            {
                Weight = ensemble.TreeWeights[i],
                Features = tree.NumericalSplitFeatureIndexes.ToArray(),
                Thresholds = tree.NumericalSplitThresholds.ToArray(),
                Left = tree.LeftChild.ToArray(),
                Right = tree.RightChild.ToArray(),
                Leaves = tree.LeafValues.ToArray(),
            };
        }).ToList(),
    };

    /// <summary>The exported trees must score every training row as ML.NET does.</summary>
    private static void Verify(TreeEnsemble exported, IDataView scored, List<Row> rows, string name)
    {
        var scores = scored.GetColumn<float>("Score").ToArray();
        var worst = 0.0;
        for (var i = 0; i < rows.Count; i++)
        {
            worst = Math.Max(worst, Math.Abs(exported.Score(rows[i].Features) - scores[i]));
        }

        if (worst > 1e-3)
        {
            throw new InvalidOperationException($"the exported {name} trees disagree with ML.NET by up to {worst:g3}");
        }
    }

    private sealed class Row
    {
        [VectorType(AnswerFeatures.Count)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }

        public uint Group { get; set; }
    }

    private sealed class BinaryRow
    {
        [VectorType(AnswerFeatures.Count)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private static ExpectedAnswer ToExpected(AnswerType type) => type switch
    {
        AnswerType.Person => ExpectedAnswer.Person,
        AnswerType.Time => ExpectedAnswer.Time,
        AnswerType.Number => ExpectedAnswer.Number,
        AnswerType.Place => ExpectedAnswer.Place,
        _ => ExpectedAnswer.None,
    };
}
