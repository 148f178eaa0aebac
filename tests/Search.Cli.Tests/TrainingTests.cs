using Search.Cli.Training;
using Search.Evaluation;
using Search.Evaluation.Datasets;

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
}
