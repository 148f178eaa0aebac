using Search.Evaluation;
using Search.Reading;
using Search.TestKit;

namespace Search.Answer.Tests.Quality;

/// <summary>
/// Reader quality with the shipped answer model on the articles it was not trained on (index mod 4 = 3),
/// each question with its gold paragraph and four distractors, ordered by a simple idf score as a
/// retriever would. The floors sit a little under the measured figures written beside them; exact
/// match counts the reader's short answer, as <c>eval squad</c> does.
/// </summary>
public sealed class ReadingQualityTests(ITestOutputHelper output)
{
    private static readonly AnswerExtractor Extractor = new(new ReaderOptions(), AnswerModel.LoadDefault());

    [Fact]
    public void SquadSampleMeetsMeasuredFloors()
    {
        var report = Measure("squad-v1.1-dev/dev-v1.1-half.json.gz", stride: 3, chinese: false, heldOutOnly: true);

        Assert.True(report.SentenceHit >= 0.81, report.ToString());  // measured 0.852
        Assert.True(report.ExactMatch >= 0.25, report.ToString());  // measured 0.284
        Assert.True(report.F1 >= 0.36, report.ToString());  // measured 0.400
        Assert.True(report.BoxPrecision >= 0.89, report.ToString());  // measured 0.920 (2026-12-06; 0.923 when written)
        Assert.True(report.BoxCoverage >= 0.66, report.ToString());  // measured 0.705
    }

    [Fact]
    public void CmrcSampleMeetsMeasuredFloors()
    {
        var report = Measure("cmrc2018/cmrc2018_trial.json.gz", stride: 1, chinese: true, heldOutOnly: true);

        Assert.True(report.SentenceHit >= 0.63, report.ToString());  // measured 0.678
        Assert.True(report.ExactMatch >= 0.025, report.ToString());  // measured 0.039
        Assert.True(report.F1 >= 0.21, report.ToString());  // measured 0.243
        Assert.True(report.BoxPrecision >= 0.80, report.ToString());  // measured 0.848
        Assert.True(report.BoxCoverage >= 0.54, report.ToString());  // measured 0.592
    }

    [Fact]
    public void DrcdSampleMeetsMeasuredFloors()
    {
        var report = Measure("drcd/DRCD_dev.json.gz", stride: 2, chinese: true, heldOutOnly: true);

        Assert.True(report.SentenceHit >= 0.81, report.ToString());  // measured 0.850
        Assert.True(report.ExactMatch >= 0.10, report.ToString());  // measured 0.130
        Assert.True(report.F1 >= 0.33, report.ToString());  // measured 0.370
        Assert.True(report.BoxPrecision >= 0.90, report.ToString());  // measured 0.934
        Assert.True(report.BoxCoverage >= 0.75, report.ToString());  // measured 0.795
    }

    private ReadingReport Measure(string relativePath, int stride, bool chinese, bool heldOutOnly = false)
    {
        var path = Prerequisite.SharedFile(relativePath);

        var cases = ReadingSample.Load(path, stride, heldOutOnly: heldOutOnly);
        var report = ReadingEvaluation.Run(cases, Extractor, chinese);
        var line = $"{relativePath}: {report}";
        output.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine(line);
        return report;
    }
}
