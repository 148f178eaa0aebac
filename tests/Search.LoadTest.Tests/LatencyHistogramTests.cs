using Search.LoadTest.Reporting;

namespace Search.LoadTest.Tests;

public sealed class LatencyHistogramTests
{
    private static readonly double[] Percentiles = [0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

    [Fact]
    public void SmallValuesAreCountedExactly()
    {
        var histogram = new LatencyHistogram();
        var values = Enumerable.Range(0, 256).Select(v => (long)v).Reverse().ToList();
        values.ForEach(histogram.Record);

        foreach (var p in Percentiles)
        {
            Assert.Equal(Oracle(values, p), histogram.ValueAtPercentile(p));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PercentilesStayWithinOnePercentOfTheSortedValuesEvenWithHugeOutliers(int seed)
    {
        var random = new Random(seed);
        var histogram = new LatencyHistogram();
        var values = new List<long>();
        for (var i = 0; i < 50_000; i++)
        {
            // Log-normal around a millisecond, as latencies in microseconds are, with rare huge stalls.
            var value = (long)Math.Exp(7 + (1.5 * Gaussian(random)));
            if (random.Next(1000) == 0)
            {
                value = (long)(random.NextDouble() * 1e12);
            }

            values.Add(value);
            histogram.Record(value);
        }

        values.AddRange([3_600_000_000, 86_400_000_000_000]);
        histogram.Record(3_600_000_000);
        histogram.Record(86_400_000_000_000);

        foreach (var p in Percentiles)
        {
            var expected = Oracle(values, p);
            var actual = histogram.ValueAtPercentile(p);
            Assert.True(Math.Abs(actual - expected) <= Math.Max(0.5, expected * 0.01), $"p{p}: histogram {actual}, sorted values {expected}");
        }

        Assert.Equal(values.Max(), histogram.Max);
        Assert.Equal(values.Min(), histogram.Min);
        Assert.Equal(values.Max(), histogram.ValueAtPercentile(100));
        Assert.Equal(values.Average(), histogram.Mean, 1e-6 * values.Average());
    }

    [Fact]
    public void EveryValueFallsInItsOwnBucketAndBucketsAreAtMostOneIn128Wide()
    {
        var random = new Random(7);
        var samples = Enumerable.Range(0, 20_000).Select(_ => (long)Math.Pow(2, random.NextDouble() * 49))
            .Concat([0, 1, 255, 256, 257, 511, 512, LatencyHistogram.MaxValue]);
        foreach (var value in samples)
        {
            var (lower, width) = LatencyHistogram.BucketOf(LatencyHistogram.IndexOf(value));
            Assert.InRange(value, lower, lower + width - 1);
            Assert.True(width == 1 || (double)width / lower <= 1.0 / 128, $"bucket of {value}: {lower} + {width}");
        }
    }

    [Fact]
    public void ValuesBeyondTheRangeAreClampedAndNegativeOnesCountAsZero()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(long.MaxValue);
        histogram.Record(-5);

        Assert.Equal(2, histogram.Count);
        Assert.Equal(LatencyHistogram.MaxValue, histogram.Max);
        Assert.Equal(0, histogram.Min);
    }

    [Fact]
    public void AnEmptyHistogramReportsZero()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.ValueAtPercentile(99));
        Assert.Equal(0, histogram.Max);
        Assert.Equal(0, histogram.Mean);
        Assert.Empty(histogram.Buckets());
    }

    [Fact]
    public void RecordingFromManyThreadsLosesNothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                histogram.Record((worker * 1000) + (i % 1000));
            }
        });

        Assert.Equal(200_000, histogram.Count);
        Assert.Equal(200_000, histogram.Buckets().Sum(b => b.Count));
        Assert.Equal(7999, histogram.Max);
    }

    /// <summary>Nearest rank of the sorted values: rank ceil(p/100 × n).</summary>
    private static double Oracle(IReadOnlyCollection<long> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling((percentile * sorted.Length / 100) - 1e-9);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
