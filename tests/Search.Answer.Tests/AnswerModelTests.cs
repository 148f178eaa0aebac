using Search.Reading;

namespace Search.Answer.Tests;

public sealed class AnswerModelTests
{
    // One split on feature 2 at 0.5: left leaf 1.0, right leaf -2.0.
    private static readonly RegressionTree Stump = new()
    {
        Weight = 1,
        Features = [2],
        Thresholds = [0.5f],
        Left = [~0],
        Right = [~1],
        Leaves = [1.0, -2.0],
    };

    [Fact]
    public void TreesGoLeftAtOrBelowTheThresholdAndAddTheirWeightedLeavesToTheBias()
    {
        var ensemble = new TreeEnsemble { Bias = 0.25, Trees = [Stump, new RegressionTree { Weight = 0.5, Leaves = [4.0] }] };
        var features = new float[AnswerFeatures.Count];

        features[2] = 0.5f;
        Assert.Equal(0.25 + 1.0 + 2.0, ensemble.Score(features), 9);
        features[2] = 0.51f;
        Assert.Equal(0.25 - 2.0 + 2.0, ensemble.Score(features), 9);
    }

    [Fact]
    public void CalibrationInterpolatesBetweenBreakpointsAndClampsOutside()
    {
        var calibration = new IsotonicCalibration { Scores = [-1, 0, 2], Probabilities = [0.1, 0.5, 0.9] };

        Assert.Equal(0.1, calibration.Probability(-5), 9);
        Assert.Equal(0.3, calibration.Probability(-0.5), 9);
        Assert.Equal(0.7, calibration.Probability(1), 9);
        Assert.Equal(0.9, calibration.Probability(7), 9);
    }

    [Fact]
    public void TheThresholdIsTheLowestWhosePrecisionReachesTheTarget()
    {
        var model = new AnswerModel
        {
            Curve = [new(0.5, 0.80, 0.9), new(0.6, 0.88, 0.7), new(0.7, 0.91, 0.6), new(0.8, 0.89, 0.4), new(0.9, 0.95, 0.2)],
        };

        Assert.Equal(0.7, model.ThresholdFor(0.90));
        Assert.Equal(0.5, model.ThresholdFor(0.80));
        // Unreachable: the highest threshold measured.
        Assert.Equal(0.9, model.ThresholdFor(0.99));
    }

    [Fact]
    public void AModelTrainedOnOtherFeaturesIsRefusedWithTheWayToFixIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"answer-model-{Guid.NewGuid():N}.json");
        try
        {
            new AnswerModel { FeatureNames = ["overlap", "coverage"] }.Save(path);

            var e = Assert.Throws<InvalidDataException>(() => AnswerModel.Load(path));

            Assert.Contains("search-cli train answer", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AModelWithoutTheSimilarityFeaturesWhoseTreeReadsOneIsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"answer-model-{Guid.NewGuid():N}.json");
        try
        {
            var shipped = AnswerModel.LoadDefault();
            Assert.Equal(AnswerFeatures.CountWithoutSimilarity, shipped.FeatureNames.Count);
            var readsSimilarity = new RegressionTree { Features = [AnswerFeatures.Similarity], Thresholds = [0.5f], Left = [-1], Right = [-2], Leaves = [0, 1] };
            new AnswerModel
            {
                FeatureNames = shipped.FeatureNames,
                Ranker = new TreeEnsemble { Trees = [.. shipped.Ranker.Trees, readsSimilarity] },
                Confidence = shipped.Confidence,
                Calibration = shipped.Calibration,
                Curve = shipped.Curve,
            }.Save(path);

            Assert.Throws<InvalidDataException>(() => AnswerModel.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AReaderConfidenceOnOtherFeaturesOrWithoutACurveIsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"answer-model-{Guid.NewGuid():N}.json");
        var calibration = new IsotonicCalibration { Scores = [0, 1], Probabilities = [0, 1] };
        try
        {
            var shipped = AnswerModel.LoadDefault();
            AnswerModel With(ReaderConfidence reader) => new()
            {
                FeatureNames = shipped.FeatureNames,
                Ranker = shipped.Ranker,
                Confidence = shipped.Confidence,
                Calibration = shipped.Calibration,
                Curve = shipped.Curve,
                Reader = reader,
            };

            With(new ReaderConfidence { FeatureNames = ["reader_probability"] }).Save(path);
            Assert.Contains("search-cli train answer", Assert.Throws<InvalidDataException>(() => AnswerModel.Load(path)).Message, StringComparison.Ordinal);

            With(new ReaderConfidence { FeatureNames = ReaderFeatures.Names, Calibrations = new Dictionary<string, IsotonicCalibration> { ["en"] = calibration } }).Save(path);
            Assert.Contains("no curve", Assert.Throws<InvalidDataException>(() => AnswerModel.Load(path)).Message, StringComparison.Ordinal);

            var whole = new ReaderConfidence
            {
                ReaderVersion = "minilm-span-test",
                FeatureNames = ReaderFeatures.Names,
                Calibrations = new Dictionary<string, IsotonicCalibration> { ["en"] = calibration },
                Curves = new Dictionary<string, IReadOnlyList<CurvePoint>> { ["en"] = [new(0.4, 0.9, 0.5), new(0.6, 0.95, 0.3)] },
            };
            With(whole).Save(path);
            var loaded = AnswerModel.Load(path).Reader!;
            Assert.Equal("minilm-span-test", loaded.ReaderVersion);
            Assert.True(loaded.Knows("en"));
            Assert.False(loaded.Knows("zh"));
            Assert.Equal(0.6, loaded.ThresholdFor(0.93, "en"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingOrBrokenModelFileIsAClearError()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => AnswerModel.Load("/nonexistent/answer-model.json"));
        Assert.Contains("Answer:ModelPath", missing.Message, StringComparison.Ordinal);

        var path = Path.Combine(Path.GetTempPath(), $"answer-model-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{ not json");
            Assert.Throws<InvalidDataException>(() => AnswerModel.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheShippedModelIsCalibratedAndItsCurveReachesTheDefaultTarget()
    {
        var model = AnswerModel.LoadDefault();

        Assert.NotEmpty(model.Ranker.Trees);
        Assert.NotEmpty(model.Confidence.Trees);
        Assert.NotNull(model.TrainedOn);
        var threshold = model.ThresholdFor(new ReaderOptions().TargetPrecision);
        var point = Assert.Single(model.Curve, p => p.Threshold == threshold);
        Assert.True(point.Precision >= 0.9, $"precision {point.Precision} at {threshold}");
        // Calibrated: the probabilities span most of [0, 1] and never fall as the score rises.
        Assert.True(model.Calibration.Probabilities[0] < 0.2 && model.Calibration.Probabilities[^1] > 0.8);
        Assert.True(model.Calibration.Probabilities.Zip(model.Calibration.Probabilities.Skip(1)).All(p => p.First <= p.Second));
    }
}
