using Search.LoadTest.Reporting;
using Search.LoadTest.Running;
using Search.LoadTest.Targets;

namespace Search.LoadTest.Tests;

/// <summary>What the recorder keeps of latencies (HDR histograms of microseconds) and what the report reads back.</summary>
public sealed class LoadRecorderTests
{
    // Timestamps in ticks: ten to the microsecond.
    private const long Frequency = TimeSpan.TicksPerSecond;

    private static readonly RequestOutcome Ok = RequestOutcome.Success(cached: false, [], hasAnswer: false);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReportedPercentilesAreTheSortedLatenciesToThreeSignificantDigits(int seed)
    {
        var random = new Random(seed);
        var recorder = new LoadRecorder(Frequency, measureStartTimestamp: 0);
        var micros = new List<long>();
        for (var i = 0; i < 20_000; i++)
        {
            // Log-normal around a millisecond, as latencies are, with rare stalls of up to a minute.
            var latency = random.Next(1000) == 0 ? random.NextInt64(1_000_000, 60_000_000) : (long)Math.Exp(7 + (1.5 * Gaussian(random)));
            micros.Add(latency);
            recorder.Completed(measured: true, 0, latency * 10, Ok);
        }

        var summary = LatencySummary.From(recorder.Latency);

        var sorted = micros.Order().ToArray();
        Assert.Equal(sorted.Length, summary.Count);
        foreach (var (percentile, ms) in new[] { (0, summary.MinMs), (50, summary.P50Ms), (90, summary.P90Ms), (99, summary.P99Ms), (99.9, summary.P999Ms), (100, summary.MaxMs) })
        {
            // The nearest rank; p × 20,000 is whole for each of these, so HDR's rounding of the rank agrees.
            var expected = sorted[Math.Max(1, (int)Math.Ceiling(percentile * sorted.Length / 100)) - 1] / 1000.0;
            // A value is read back as the top of its bucket, at most a thousandth above it; the report rounds to a microsecond.
            Assert.InRange(ms, expected - 0.0005, (expected * 1.001) + 0.0005);
        }

        var mean = micros.Average() / 1000;
        Assert.Equal(mean, summary.MeanMs, (mean / 1000) + 0.0005);
    }

    [Fact]
    public void LatenciesOutsideTheHistogramAreClampedNotLost()
    {
        var recorder = new LoadRecorder(Frequency, measureStartTimestamp: 0);

        // Answered "before" it was due (a clock stepping back), and after a month.
        recorder.Completed(measured: true, 10, 0, Ok);
        recorder.Completed(measured: true, 0, TimeSpan.FromDays(30).Ticks, Ok);
        var summary = LatencySummary.From(recorder.Latency);

        Assert.Equal(2, summary.Count);
        Assert.Equal(0, summary.MinMs);
        var week = LoadRecorder.MaxLatencyMicros / 1000.0;
        Assert.Equal(week, summary.MaxMs, week / 1000);
    }

    [Fact]
    public void AnEmptyRecorderReportsZeros()
    {
        var recorder = new LoadRecorder(Frequency, measureStartTimestamp: 0);

        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0), LatencySummary.From(recorder.Latency));
        Assert.Equal(0, recorder.Progress().P99Ms);
    }

    [Fact]
    public async Task RecordingFromManyThreadsLosesNothingWhileTheProgressLineReads()
    {
        var recorder = new LoadRecorder(Frequency, measureStartTimestamp: 0);
        using var done = new CancellationTokenSource();
        var progress = Task.Run(() =>
        {
            var readings = new List<double>();
            while (!done.IsCancellationRequested)
            {
                readings.Add(recorder.Progress().P99Ms);
            }

            return readings;
        }, TestContext.Current.CancellationToken);

        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                recorder.Completed(measured: true, 0, ((worker * 1000) + (i % 1000)) * 10, i % 10 == 0 ? RequestOutcome.Failure("429") : Ok);
            }
        });
        await done.CancelAsync();
        var readings = await progress;

        Assert.Equal(200_000, recorder.LatencyWithErrors.TotalCount);
        Assert.Equal(180_000, recorder.Latency.TotalCount);
        Assert.Equal(20_000, recorder.ErrorLatency.TotalCount);
        Assert.Equal(200_000, recorder.Counts().Completed);
        Assert.Equal(7.999, LatencySummary.From(recorder.LatencyWithErrors).MaxMs, 0.008);
        Assert.All(readings, p99 => Assert.InRange(p99, 0, 8));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
