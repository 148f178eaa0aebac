using Search.TestKit;
using Search.Answer.Extraction;

namespace Search.Answer.Tests.Quality;

/// <summary>
/// Reader quality on fixed samples of SQuAD, CMRC and DRCD with the gold paragraph first and four
/// distractors, at MinConfidence 0.6 with the sentence fallback on. The floors sit a
/// little under the measured figures written beside them. With SentenceFallback off the same samples
/// measured: SQuAD em 0.226 f1 0.358 coverage 0.533 precision 0.840; CMRC em 0.210 f1 0.446 coverage
/// 0.571 precision 0.703; DRCD em 0.097 f1 0.280 coverage 0.663 precision 0.829.
/// </summary>
public sealed class ReadingQualityTests(ITestOutputHelper output)
{
    // The floors below were measured at MinConfidence 0.6; the service default is 0.7 (chosen on the whole pipeline).
    private static readonly AnswerExtractor Extractor = new(new AnswerOptions { MinConfidence = 0.6 });

    [Fact]
    public void SquadSampleMeetsMeasuredFloors()
    {
        var report = Measure("squad-v1.1-dev/dev-v1.1-half.json.gz", stride: 10, chinese: false);

        Assert.True(report.SentenceHit >= 0.77, report.ToString());   // measured 0.809
        Assert.True(report.ExactMatch >= 0.05, report.ToString());    // measured 0.074
        Assert.True(report.F1 >= 0.21, report.ToString());            // measured 0.238
        Assert.True(report.BoxPrecision >= 0.80, report.ToString());  // measured 0.844
        Assert.True(report.BoxCoverage >= 0.82, report.ToString());   // measured 0.867
    }

    [Fact]
    public void CmrcSampleMeetsMeasuredFloors()
    {
        var report = Measure("cmrc2018/cmrc2018_trial.json.gz", stride: 2, chinese: true);

        Assert.True(report.SentenceHit >= 0.64, report.ToString());   // measured 0.679
        Assert.True(report.ExactMatch >= 0.18, report.ToString());    // measured 0.208
        Assert.True(report.F1 >= 0.42, report.ToString());            // measured 0.454
        Assert.True(report.BoxPrecision >= 0.68, report.ToString());  // measured 0.715
        Assert.True(report.BoxCoverage >= 0.79, report.ToString());   // measured 0.834
    }

    [Fact]
    public void DrcdSampleMeetsMeasuredFloors()
    {
        var report = Measure("drcd/DRCD_dev.json.gz", stride: 7, chinese: true);

        Assert.True(report.SentenceHit >= 0.78, report.ToString());   // measured 0.817
        Assert.True(report.ExactMatch >= 0.035, report.ToString());   // measured 0.050
        Assert.True(report.F1 >= 0.20, report.ToString());            // measured 0.231
        Assert.True(report.BoxPrecision >= 0.78, report.ToString());  // measured 0.824
        Assert.True(report.BoxCoverage >= 0.84, report.ToString());   // measured 0.889
    }

    private ReadingReport Measure(string relativePath, int stride, bool chinese)
    {
        var path = SharedData.Find(relativePath);
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
