using Search.LoadTest.Running;

namespace Search.LoadTest.Reporting;

/// <summary>
/// A log-linear histogram of non-negative whole values (the harness records microseconds): values below 256
/// are counted exactly, larger ones in buckets 1/128 of their power of two wide, so any value read back is
/// within 0.4% of a recorded one, from a microsecond to days, in a fixed 45 KB. Recording is lock-free and
/// may run while another thread reads percentiles (the reader sees a moment's approximate state).
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;          // 128 buckets per power of two
    private const int ExactLimit = SubBuckets * 2;              // values below 256 have a bucket each
    private const int HighestExponent = 49;

    /// <summary>Values above this are counted as this (about 35 years in microseconds).</summary>
    public const long MaxValue = (1L << (HighestExponent + 1)) - 1;

    private readonly long[] _counts = new long[ExactLimit + ((HighestExponent - SubBucketBits) * SubBuckets)];
    private long _count;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;

    public long Count => Interlocked.Read(ref _count);

    public long Min => Count == 0 ? 0 : Interlocked.Read(ref _min);

    public long Max => Count == 0 ? 0 : Interlocked.Read(ref _max);

    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public void Record(long value)
    {
        value = Math.Clamp(value, 0, MaxValue);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Add(ref _sum, value);
        AtomicLong.Min(ref _min, value);
        AtomicLong.Max(ref _max, value);
        // Counted last, so a reader that sees the count also finds the value in a bucket.
        Interlocked.Increment(ref _count);
    }

    /// <summary>
    /// The nearest-rank <paramref name="percentile"/> (0..100): the value at rank ceil(p/100 × n), reported as
    /// the middle of its bucket and kept within the observed min and max; the top rank is the exact maximum. 0 when empty.
    /// </summary>
    public double ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        // Multiply before dividing and allow for rounding so p99 of 100 values is rank 99, not 100.
        var rank = Math.Clamp((long)Math.Ceiling((percentile * count / 100) - 1e-9), 1, count);
        if (rank == count)
        {
            return Max;
        }

        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                var (lower, width) = BucketOf(i);
                var middle = lower + ((width - 1) / 2.0);
                return Math.Clamp(middle, Min, Max);
            }
        }

        // A recorder was half-way through a value; the largest seen is the honest answer.
        return Max;
    }

    /// <summary>The non-empty buckets, smallest first, as (lowest value, highest value, count).</summary>
    public IEnumerable<(long Lowest, long Highest, long Count)> Buckets()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            var count = Interlocked.Read(ref _counts[i]);
            if (count > 0)
            {
                var (lower, width) = BucketOf(i);
                yield return (lower, lower + width - 1, count);
            }
        }
    }

    internal static int IndexOf(long value)
    {
        if (value < ExactLimit)
        {
            return (int)value;
        }

        var exponent = 63 - (int)long.LeadingZeroCount(value);  // ≥ 8
        var shift = exponent - SubBucketBits;
        var mantissa = (int)(value >> shift);                   // 128..255
        return ExactLimit + ((exponent - SubBucketBits - 1) * SubBuckets) + (mantissa - SubBuckets);
    }

    /// <summary>The lowest value of bucket <paramref name="index"/> and how many values it spans.</summary>
    internal static (long Lower, long Width) BucketOf(int index)
    {
        if (index < ExactLimit)
        {
            return (index, 1);
        }

        var exponent = SubBucketBits + 1 + ((index - ExactLimit) / SubBuckets);
        var mantissa = SubBuckets + ((index - ExactLimit) % SubBuckets);
        var shift = exponent - SubBucketBits;
        return ((long)mantissa << shift, 1L << shift);
    }
}
