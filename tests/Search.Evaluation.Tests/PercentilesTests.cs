using Search.Evaluation;

namespace Search.Evaluation.Tests;

public sealed class PercentilesTests
{
    [Fact]
    public void NearestRankOfOneToHundredIsTheRankItself()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToArray();
        Assert.Equal(50, Percentiles.Of(values, 50));
        Assert.Equal(99, Percentiles.Of(values, 99));
        Assert.Equal(100, Percentiles.Of(values, 100));
    }

    [Fact]
    public void SmallSamplesUseObservedValues()
    {
        double[] values = [3, 1, 2];
        Assert.Equal(2, Percentiles.Of(values, 50));
        Assert.Equal(3, Percentiles.Of(values, 99));
        Assert.Equal(7, Percentiles.Of([7.0], 50));
    }

    [Fact]
    public void EmptySampleGivesZero()
    {
        Assert.Equal(0, Percentiles.Of([], 50));
    }

    [Fact]
    public void PercentileOutsideRangeIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of([1.0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of([1.0], 101));
    }
}
