using Search.Cli.Commands;
using Search.Cli.Training;
using Search.Contracts.V1;
using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.Reading;

namespace Search.Cli.Tests;

public sealed class TrainingTests
{
    [Fact]
    public void IsotonicCalibrationPoolsViolatorsIntoNonDecreasingMeans()
    {
        // Scores 1..6 with labels right, wrong, wrong, right, right, right: the first three pool to 1/3
        // (a right answer below two wrong ones violates the order), the last three to 1.
        (double, bool)[] pairs = [(1, true), (2, false), (3, false), (4, true), (5, true), (6, true)];

        var calibration = ConfidenceTrainer.Isotonic(pairs);

        Assert.Equal([0.333333, 1.0], calibration.Probabilities);
        Assert.Equal([2.0, 5.0], calibration.Scores);
        Assert.Equal(0.777778, calibration.Probability(4), 5);
    }

    [Fact]
    public void IsotonicCalibrationOfSortedLabelsKeepsEveryStep()
    {
        (double, bool)[] pairs = [(0.3, false), (0.1, false), (0.9, true), (0.7, true)];

        var calibration = ConfidenceTrainer.Isotonic(pairs);

        Assert.Equal([0.0, 1.0], calibration.Probabilities);
        Assert.Equal(0.0, calibration.Probability(0.1), 9);
        Assert.Equal(1.0, calibration.Probability(0.95), 9);
    }

    [Theory]
    [InlineData(new[] { "Bell" }, false, true)]
    [InlineData(new string[0], true, true)] // a blocked query from 'review export': every option is a wrong example
    [InlineData(new string[0], false, false)] // no answer and not marked: nothing to learn from
    public void AQuestionTeachesWhenItHasAnAnswerOrIsMarkedUnanswerable(string[] answers, bool impossible, bool teaches)
    {
        var question = new SquadQuestion("q1", "Who patented the telephone?", answers, "doc", Impossible: impossible);

        Assert.Equal(teaches, Search.Cli.Commands.TrainCommand.Teaches(question));
    }

    [Theory]
    [InlineData("needs a model kind", "train")]
    [InlineData("unknown model 'spans'", "train", "spans")]
    [InlineData("at least one SQuAD-format file", "train", "answer", "--out", "m.json")]
    [InlineData("needs --out", "train", "answer", "file.json")]
    [InlineData("--fold-readers takes 3 readers, one per fold 0, 1 and 2; got 2", "train", "answer", "file.json", "--out", "m.json", "--fold-readers", "a.onnx,b.onnx")]
    [InlineData("--fold-readers needs a reader (not --no-reader)", "train", "answer", "file.json", "--out", "m.json", "--no-reader", "--fold-readers", "a.onnx,b.onnx,c.onnx")]
    public async Task TrainCommandLineMistakesAreUsageErrors(string message, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await CliApp.RunAsync(args, output, error, TestContext.Current.CancellationToken);

        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, AnswerFolds.Ranker)]
    [InlineData(5, AnswerFolds.Confidence)]
    [InlineData(10, AnswerFolds.Calibration)]
    [InlineData(23, AnswerFolds.HeldOut)]
    public void QuestionsAreSplitByTheirArticle(int article, int fold)
    {
        var question = new SquadQuestion("q", "Who?", ["A"], "doc#0", article);

        Assert.Equal(fold, AnswerFolds.Of(question));
    }

    [Theory]
    [InlineData(2, "calibration", true)]
    [InlineData(3, "calibration", false)]
    [InlineData(3, "test", true)]
    [InlineData(6, "test", false)]
    [InlineData(6, "all", true)]
    public void EvalAsksTheFoldItIsGiven(int article, string fold, bool asked) =>
        Assert.Equal(asked, EvalCommand.InFold(new SquadQuestion("q", "Who?", ["A"], "doc#0", article), fold));

    [Fact]
    public void AModelNamesTheSimilarityFeaturesOnlyWhenItsResponsesCarrySentenceSimilarities()
    {
        var question = new SquadQuestion("q1", "When did the library reopen?", ["3 May"], "doc");
        var plain = new SearchResponse { Results = { new SearchResult { Text = "The library reopened on 3 May." } } };
        var withSentences = plain.Clone();
        withSentences.Results[0].Sentences.Add(new SentenceSimilarity { Range = new TextSpan { Start = 0, End = 30 }, Similarity = 0.6 });

        var without = AnswerTrainer.FeatureNamesFor([new TrainingQuestion("a.json", question, plain)]);
        var with = AnswerTrainer.FeatureNamesFor([new TrainingQuestion("a.json", question, plain), new TrainingQuestion("a.json", question, withSentences)]);

        Assert.Equal(AnswerFeatures.Names.Take(AnswerFeatures.CountWithoutSimilarity), without);
        Assert.False(new AnswerModel { FeatureNames = without }.ReadsSimilarity);
        Assert.Equal(AnswerFeatures.Names, with);
        Assert.True(new AnswerModel { FeatureNames = with }.ReadsSimilarity);
    }

    [Fact]
    public void TheReaderConfidenceIsMeasuredAsTheServiceDecidesSpanFirstThenTheSentencePerLanguage()
    {
        // One stump on the reader's probability: 0.3 at or below 0.5, else 0.7; calibrated as is.
        var confidence = new ReaderConfidence
        {
            FeatureNames = ReaderFeatures.Names,
            Confidence = new TreeEnsemble
            {
                Trees = [new RegressionTree { Features = [ReaderFeatures.Probability], Thresholds = [0.5f], Left = [~0], Right = [~1], Leaves = [0.3, 0.7] }],
            },
            Calibrations = new Dictionary<string, IsotonicCalibration>
            {
                ["en"] = new() { Scores = [0, 1], Probabilities = [0, 1] },
                ["zh"] = new() { Scores = [0, 1], Probabilities = [0, 1] },
            },
        };
        static float[] Features(float probability, bool sentence)
        {
            var f = new float[ReaderFeatures.Count];
            f[ReaderFeatures.Probability] = probability;
            f[ReaderFeatures.IsSentence] = sentence ? 1 : 0;
            return f;
        }

        static ReaderConfidenceTrainer.Looked Q(string language, float spanProbability, bool spanRight, float? sentenceProbability, bool sentenceRight) => new(
            new TrainingQuestion("f", new SquadQuestion("q", "Who?", ["A"], "doc#0"), new SearchResponse()),
            language, Features(spanProbability, false), spanRight, spanRight ? 1 : 0,
            sentenceProbability is { } p ? Features(p, true) : null, sentenceRight);
        List<ReaderConfidenceTrainer.Looked> questions =
        [
            Q("en", 0.9f, true, 0.9f, true),   // span 0.7: shown, right
            Q("en", 0.1f, false, 0.9f, true),  // span 0.3, sentence 0.7: the sentence, right
            Q("en", 0.1f, true, null, false),  // span 0.3, no sentence: nothing
            Q("zh", 0.9f, false, 0.9f, true),  // span 0.7: shown, wrong (the sentence is not looked at)
        ];

        var at = ReaderConfidenceTrainer.Measure(confidence, questions, language => language == "en" ? 0.5 : 0.8);
        var both = ReaderConfidenceTrainer.Measure(confidence, questions, _ => 0.5);

        Assert.Equal((4, 2, 2), (at.Questions, at.Shown, at.Right));
        Assert.Equal((4, 3, 2), (both.Questions, both.Shown, both.Right));
        Assert.Equal(0.5, both.SpanExact, 9);
    }

    [Fact]
    public void AFileThatOnlyTeachesSendsEveryArticleToTheTrainingFolds()
    {
        // Articles 0..7: four folds by index mod 4 for a file that is split, only folds 0 and 1 for one that only teaches.
        var questions = Enumerable.Range(0, 8).Select(a => new SquadQuestion($"q{a}", "Who?", ["A"], $"doc{a}#0", a)).ToList();

        var split = questions.Select(q => new TrainingQuestion("a.json", q, new SearchResponse()).Fold).ToList();
        var taught = questions.Select(q => new TrainingQuestion("b.json", q, new SearchResponse(), FitOnly: true).Fold).ToList();

        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3], split);
        Assert.Equal([0, 1, 0, 1, 0, 1, 0, 1], taught);
    }

    [Fact]
    public void TheReaderConfidenceIsCalibratedOnScoresFromTreesThatNeverSawTheFold()
    {
        // Labels that no feature predicts: trees fitted on 900 boxes learn their noise, and calibrating on their own
        // training rows would promise precision far above the base rate. Out of fold, the promise stays near it.
        var random = new Random(7);
        var looked = new List<ReaderConfidenceTrainer.Looked>();
        for (var i = 0; i < 900; i++)
        {
            var f = new float[ReaderFeatures.Count];
            for (var k = 0; k < f.Length; k++)
            {
                f[k] = (float)random.NextDouble();
            }

            f[ReaderFeatures.IsSentence] = 0;
            looked.Add(new ReaderConfidenceTrainer.Looked(
                new TrainingQuestion("f", new SquadQuestion($"q{i}", "Who?", ["A"], "doc#0", i % 3), new SearchResponse()),
                i % 2 == 0 ? "en" : "zh", f, random.NextDouble() < 0.5, 0, null, false));
        }

        using var reader = Search.Reading.Neural.NeuralReader.Load(Search.Reading.Neural.NeuralReader.ShippedPath);
        var trainer = new ReaderConfidenceTrainer(new Microsoft.ML.MLContext(seed: 1), TextWriter.Null, reader);

        var confidence = trainer.Fit(looked, [0.3, 0.5, 0.55, 0.6, 0.7]);

        Assert.Equal(["en", "zh"], confidence.Curves.Keys.Order());
        Assert.Equal(reader.Version, confidence.ReaderVersion);
        foreach (var curve in confidence.Curves.Values)
        {
            Assert.All(curve.Where(p => p.Coverage >= 0.1), p => Assert.InRange(p.Precision, 0.3, 0.7));
        }
    }
}
