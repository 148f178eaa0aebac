using Search.LoadTest.Running;

namespace Search.LoadTest.Tests;

public sealed class ArrivalScheduleTests
{
    [Theory]
    [InlineData(200, 10_000_000)]
    [InlineData(50, 1_000_000_000)]
    [InlineData(3, 10_000_000)]
    public void RequestIIsDueAtStartPlusIOverRate(double rate, long frequency)
    {
        const long start = 123_456_789;
        var schedule = new ArrivalSchedule(start, frequency, rate, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        foreach (var i in new long[] { 0, 1, 2, 17, schedule.TotalCount - 1 })
        {
            var expected = start + (i * frequency / rate);
            Assert.Equal(expected, schedule.IntendedTimestamp(i), 1.0);
        }
    }

    [Theory]
    [InlineData(50, 5.0, 20.0, null, 250, 1000)]
    [InlineData(200, 0.0, 30.0, null, 0, 6000)]
    [InlineData(3, 1.0, 1.0, null, 3, 3)]
    [InlineData(0.5, 3.0, 3.0, null, 2, 1)]
    [InlineData(50, 5.0, 20.0, 100L, 250, 100)]
    [InlineData(10, 0.05, 0.05, null, 1, 0)]
    public void RequestsDueInTheWarmupAreApartFromTheMeasuredOnes(double rate, double warmup, double duration, long? requests, long warmupCount, long measuredCount)
    {
        var schedule = new ArrivalSchedule(0, TimeSpan.TicksPerSecond, rate, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration), requests);

        Assert.Equal(warmupCount, schedule.WarmupCount);
        Assert.Equal(measuredCount, schedule.MeasuredCount);
        Assert.Equal(warmupCount + measuredCount, schedule.TotalCount);
        Assert.Equal((long)(warmup * TimeSpan.TicksPerSecond), schedule.MeasureStartTimestamp);
        if (warmupCount > 0)
        {
            Assert.False(schedule.IsMeasured(warmupCount - 1));
            Assert.True(schedule.IntendedTimestamp(warmupCount - 1) < schedule.MeasureStartTimestamp);
        }

        Assert.True(schedule.IsMeasured(warmupCount));
        Assert.True(schedule.IntendedTimestamp(warmupCount) >= schedule.MeasureStartTimestamp);
    }
}
