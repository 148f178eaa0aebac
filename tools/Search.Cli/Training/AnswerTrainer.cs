using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Search.Cli.Commands;
using Search.Contracts.V1;
using Search.Evaluation;
using Search.Reading;
using Search.Reading.Neural;
using Search.Text;

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
/// <param name="foldReaders">when given, readers that never learned fold 0, 1 and 2: each reads its fold for the reader confidence</param>
public sealed class AnswerTrainer(TextWriter output, string? mistakesPath = null, NeuralReader? neuralReader = null, IReadOnlyList<NeuralReader>? foldReaders = null)
{
    internal const int Seed = 20261128;
    internal const int RankerTrees = 200;
    internal const int ConfidenceTrees = 150;
    internal const int Leaves = 24;
    internal const int MinLeafRows = 20;
    internal const double LearningRate = 0.1;

    /// <summary>Thresholds the curve is measured at: 0.05, 0.06, … 0.99.</summary>
    private static readonly double[] CurveThresholds = Enumerable.Range(5, 95).Select(i => i / 100.0).ToArray();

    /// <summary>The service's defaults: what the model is trained and measured with.</summary>
    internal static readonly ReaderOptions Defaults = new();

    // Every fit shares one seeded context, in a fixed order, so that retraining on the same data gives the same model.
    private readonly MLContext _ml = new(Seed);

    // A model with every feature's name, so that reading lists the options a model trained now scores (the sentences
    // read for their meaning among them).
    private readonly AnswerExtractor _reader = new(Defaults, new AnswerModel { FeatureNames = AnswerFeatures.Names });

    public AnswerModel Fit(IReadOnlyList<TrainingQuestion> questions, TrainingRecord record)
    {
        var read = questions.Select(q => (Question: q, Reading: Read(q))).ToList();
        var folds = Enumerable.Range(0, AnswerFolds.Count).Select(f => read.Where(r => r.Question.Fold == f).ToList()).ToArray();
        output.WriteLine($"train: {questions.Count} questions; folds (ranker, confidence, calibration, held out): {string.Join(", ", folds.Select(f => f.Count))}");

        // 1. The span ranker, and one ranker per training fold so that each fold's confidence rows get
        //    ranker scores from a ranker that never saw them (two-fold cross-fitting).
        var rankers = new SpanRankerTrainer(_ml, output);
        var rankerOnRanker = rankers.Fit(folds[AnswerFolds.Ranker], "ranker fold");
        var rankerOnConfidence = rankers.Fit(folds[AnswerFolds.Confidence], "confidence fold");
        var ranker = rankers.Fit([.. folds[AnswerFolds.Ranker], .. folds[AnswerFolds.Confidence]], "both training folds");

        // 2. The confidence model on the best span and every sentence of both training folds.
        var confidence = new ConfidenceTrainer(_ml, output).Fit(folds[AnswerFolds.Ranker], rankerOnRanker, folds[AnswerFolds.Confidence], rankerOnConfidence);
        var partial = new AnswerExtractor(Defaults, new AnswerModel { FeatureNames = AnswerFeatures.Names, Ranker = ranker, Confidence = confidence });

        // 3. Calibration and the curve, on questions neither model saw.
        var calibration = ConfidenceTrainer.Calibrate(partial, confidence, folds[AnswerFolds.Calibration]);
        var model = new AnswerModel
        {
            FeatureNames = FeatureNamesFor(questions),
            Ranker = ranker,
            Confidence = confidence,
            Calibration = calibration,
        };
        var curve = CurveThresholds.Select(t => AnswerMeasure.Measure(model, folds[AnswerFolds.Calibration], t).Point(t)).ToList();
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
            var m = AnswerMeasure.Measure(model, file.ToList(), threshold);
            var calibrated = AnswerMeasure.Measure(model, folds[AnswerFolds.Calibration].Where(r => r.Question.File == file.Key).ToList(), threshold);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train: held out {file.Key}: questions={m.Questions} span_em={m.SpanExact:0.000} span_recall={AnswerMeasure.SpanRecall(file.ToList()):0.000} box_precision={m.Precision:0.000} box_coverage={m.Coverage:0.000} (calibration fold {calibrated.Precision:0.000}/{calibrated.Coverage:0.000})"));
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
            var written = AnswerMeasure.WriteMistakes(model, folds[AnswerFolds.HeldOut], mistakesPath);
            output.WriteLine($"train: {written} held-out questions whose best span is not exactly right written to {mistakesPath}");
        }

        var taughtOnly = questions.Where(q => q.FitOnly).Select(q => q.File).Distinct().ToList();
        var trainedOn = new JsonObject
        {
            ["command"] = "search-cli train answer " + string.Join(' ', record.Arguments.Skip(1)),
            ["files"] = new JsonArray(record.Files.Select(f => (JsonNode)Path.GetFileName(f)).ToArray()),
            ["split"] = "article index mod 4 within each file: 0 and 1 ranker and confidence, 2 calibration and curve, 3 held out"
                + (taughtOnly.Count > 0 ? $"; files that only teach (article index mod 2, folds 0 and 1): {string.Join(", ", taughtOnly)}" : ""),
            ["questions_per_fold"] = new JsonArray(folds.Select(f => (JsonNode)f.Count).ToArray()),
            ["trainer"] = string.Create(CultureInfo.InvariantCulture,
                $"ML.NET FastTree: LambdaMART ranker {RankerTrees} trees on folds 0-1, binary confidence {ConfidenceTrees} trees on folds 0-1 with cross-fitted ranker scores, {Leaves} leaves, learning rate {LearningRate}, seed {Seed}"),
            ["threshold_at_default_target"] = Math.Round(threshold, 2),
            ["held_out"] = heldOut,
            ["date"] = record.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        // 5. The confidence that reads the neural reader, when there is one.
        ReaderConfidence? second = null;
        if (neuralReader is not null)
        {
            second = FitReaderConfidence(neuralReader, folds, rankerOnRanker, rankerOnConfidence, model, threshold, trainedOn);
        }

        return new AnswerModel
        {
            FeatureNames = model.FeatureNames,
            Ranker = ranker,
            Confidence = confidence,
            Calibration = calibration,
            Curve = curve,
            Reader = second,
            TrainedOn = JsonSerializer.Deserialize<JsonElement>(trainedOn.ToJsonString()),
        };
    }

    /// <summary>Targets whose held-out figures the model's record keeps for the reader confidence.</summary>
    private static readonly double[] ReportedTargets = [0.90, 0.93];

    /// <summary>
    /// Step 5: the reader confidence. Its rows on folds 0 and 1 need feature confidences from models that never saw
    /// them, as the ranker scores do: a confidence model per training fold (cross-fitted again), each calibrated on fold 2.
    /// </summary>
    private ReaderConfidence FitReaderConfidence(
        NeuralReader neuralReader, List<(TrainingQuestion Question, AnswerReading Reading)>[] folds, TreeEnsemble rankerOnRanker, TreeEnsemble rankerOnConfidence,
        AnswerModel model, double threshold, JsonObject trainedOn)
    {
        var confidences = new ConfidenceTrainer(_ml, output);
        AnswerModel OutOfFold(TreeEnsemble foldRanker, TreeEnsemble foldConfidence)
        {
            var unfinished = new AnswerModel { FeatureNames = AnswerFeatures.Names, Ranker = foldRanker, Confidence = foldConfidence };
            var calibrated = ConfidenceTrainer.Calibrate(new AnswerExtractor(Defaults, unfinished), foldConfidence, folds[AnswerFolds.Calibration]);
            return new AnswerModel { FeatureNames = AnswerFeatures.Names, Ranker = foldRanker, Confidence = foldConfidence, Calibration = calibrated };
        }

        // The ranker fold is judged by models fitted on the confidence fold, and the other way round.
        // (ConfidenceTrainer.Fit scores each fold's rows with the ranker fitted on the other fold.)
        var forRankerFold = OutOfFold(rankerOnConfidence, confidences.Fit([], rankerOnRanker, folds[AnswerFolds.Confidence], rankerOnConfidence));
        var forConfidenceFold = OutOfFold(rankerOnRanker, confidences.Fit(folds[AnswerFolds.Ranker], rankerOnRanker, [], rankerOnConfidence));
        var trainer = new ReaderConfidenceTrainer(_ml, output, neuralReader);
        ReaderConfidenceTrainer For(int fold) => foldReaders is null ? trainer : new ReaderConfidenceTrainer(_ml, output, foldReaders[fold]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var training = For(AnswerFolds.Ranker).Look(forRankerFold, threshold, folds[AnswerFolds.Ranker])
            .Concat(For(AnswerFolds.Confidence).Look(forConfidenceFold, threshold, folds[AnswerFolds.Confidence])).ToList();
        var calibrationFold = For(AnswerFolds.Calibration).Look(model, threshold, folds[AnswerFolds.Calibration]);
        var heldOut = trainer.Look(model, threshold, folds[AnswerFolds.HeldOut]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train: the reader {neuralReader.Version} read {training.Count + calibrationFold.Count + heldOut.Count} sentences in {clock.Elapsed.TotalSeconds:F0} s; its span's exact match by fold: {ExactMatch(training.Where(q => q.Question.Fold == AnswerFolds.Ranker))}, {ExactMatch(training.Where(q => q.Question.Fold == AnswerFolds.Confidence))}, {ExactMatch(calibrationFold)}, {ExactMatch(heldOut)}"));

        var second = trainer.Fit([.. training, .. calibrationFold], CurveThresholds);
        var totals = folds[AnswerFolds.HeldOut].GroupBy(r => r.Question.File).ToDictionary(g => g.Key, g => g.Count());
        foreach (var language in second.Curves.Keys)
        {
            var at = second.ThresholdFor(Defaults.TargetPrecision, language);
            var point = second.Curves[language].First(p => p.Threshold >= at);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train: reader confidence threshold for '{language}' at precision {Defaults.TargetPrecision:0.00}: {at:0.00} (folds 0-2 out of fold: precision {point.Precision:0.000}, coverage of the questions read {point.Coverage:0.000})"));
        }

        trainedOn["reader_confidence"] = new JsonObject
        {
            ["reader"] = neuralReader.Version,
            ["fold_readers"] = foldReaders is null ? null : new JsonArray(foldReaders.Select(r => (JsonNode)r.Version).ToArray()),
            ["trainer"] = string.Create(CultureInfo.InvariantCulture,
                $"ML.NET FastTree binary, {ReaderConfidenceTrainer.Trees} trees, {ReaderConfidenceTrainer.Leaves} leaves, on the reader's span and the sentence of folds 0-2 (feature confidences cross-fitted); isotonic calibration and curve per language on each fold's scores by trees fitted on the other two"),
            ["thresholds_at_default_target"] = new JsonObject(second.Curves.Keys.Select(l =>
                KeyValuePair.Create(l, (JsonNode?)Math.Round(second.ThresholdFor(Defaults.TargetPrecision, l), 2)))),
            ["held_out"] = trainer.Report(second, heldOut, totals, ReportedTargets, "held out"),
        };
        return second;
    }

    private static string ExactMatch(IEnumerable<ReaderConfidenceTrainer.Looked> looked)
    {
        var list = looked.ToList();
        return list.Count == 0 ? "-" : (list.Average(q => q.SpanExact)).ToString("0.000", CultureInfo.InvariantCulture);
    }

    private AnswerReading Read(TrainingQuestion q)
    {
        var question = QuestionText(q);
        return _reader.Read(question, AnswerExtractor.ExpectedFor(ToExpected(q.Response.Route?.AnswerType ?? AnswerType.Unspecified), question), Passages(q));
    }

    /// <summary>The question as the answer service gets it: the router's normalised query.</summary>
    internal static string QuestionText(TrainingQuestion q) =>
        TextNormalizer.Normalize(q.Response.Route?.NormalizedQuery is { Length: > 0 } normalized ? normalized : q.Question.Question);

    /// <summary>
    /// The features the written model names: all of them when the responses carry sentence similarities (retrieval with
    /// <c>Embeddings:Sentences</c> on), otherwise those before the similarity features, which were then constant, so no
    /// tree reads them, and a model that names them would have the answer service read sentences it never learnt to rank.
    /// </summary>
    internal static IReadOnlyList<string> FeatureNamesFor(IReadOnlyList<TrainingQuestion> questions) =>
        questions.Any(q => q.Response.Results.Any(r => r.Sentences.Count > 0))
            ? AnswerFeatures.Names
            : [.. AnswerFeatures.Names.Take(AnswerFeatures.CountWithoutSimilarity)];

    /// <summary>The passages the answer service reads: the gateway's top results.</summary>
    internal static List<AnswerPassage> Passages(TrainingQuestion q) =>
        q.Response.Results.Take(Defaults.MaxPassages).Select(r => new AnswerPassage(r.Text, r.Score, r.RetrievalScore, r.Title, Sentences(r))).ToList();

    /// <summary>A result's sentences as the answer service takes them (<see cref="ScoredSentence.Accept"/>).</summary>
    private static List<ScoredSentence>? Sentences(SearchResult result) =>
        ScoredSentence.Accept([.. result.Sentences.Where(s => s.Range is not null).Select(s => new ScoredSentence(new TextRange(s.Range.Start, s.Range.End), s.Similarity))]);

    private static ExpectedAnswer ToExpected(AnswerType type) => type switch
    {
        AnswerType.Person => ExpectedAnswer.Person,
        AnswerType.Time => ExpectedAnswer.Time,
        AnswerType.Number => ExpectedAnswer.Number,
        AnswerType.Place => ExpectedAnswer.Place,
        _ => ExpectedAnswer.None,
    };
}
