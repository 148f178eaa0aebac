namespace Search.LoadTest.Running;

/// <summary>
/// The open loop's fixed arrivals: request i is due at start + i / rate, whatever happened to the requests
/// before it. The first <see cref="WarmupCount"/> requests fall in the warm-up, the next
/// <see cref="MeasuredCount"/> are measured.
/// </summary>
public sealed class ArrivalSchedule
{
    private readonly double _ticksPerRequest;

    public ArrivalSchedule(long startTimestamp, long timestampFrequency, double rate, TimeSpan warmup, TimeSpan duration, long? maxMeasured = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        StartTimestamp = startTimestamp;
        _ticksPerRequest = timestampFrequency / rate;
        // Request i is in the warm-up when i / rate < warmup, measured when it is due before warmup + duration.
        WarmupCount = CountBefore(warmup.TotalSeconds * rate);
        MeasuredCount = Math.Min(CountBefore((warmup + duration).TotalSeconds * rate) - WarmupCount, maxMeasured ?? long.MaxValue);
        MeasureStartTimestamp = startTimestamp + (long)Math.Round(warmup.TotalSeconds * timestampFrequency);
    }

    public long StartTimestamp { get; }

    /// <summary>When measurement starts: the end of the warm-up.</summary>
    public long MeasureStartTimestamp { get; }

    public long WarmupCount { get; }

    public long MeasuredCount { get; }

    public long TotalCount => WarmupCount + MeasuredCount;

    /// <summary>When request <paramref name="index"/> is due (a timestamp of the schedule's clock).</summary>
    public long IntendedTimestamp(long index) => StartTimestamp + (long)Math.Round(index * _ticksPerRequest);

    public bool IsMeasured(long index) => index >= WarmupCount;

    // How many whole indexes i satisfy i < limit, allowing for rounding in limit itself.
    private static long CountBefore(double limit) => (long)Math.Ceiling(limit - 1e-9);
}
