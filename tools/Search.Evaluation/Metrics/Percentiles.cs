namespace Search.Evaluation;

/// <summary>Nearest-rank percentiles: the value at rank ceil(p/100 * n) of the sorted sample. No interpolation, so the result is always an observed value.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percentile"/>-th percentile (0 &lt; p ≤ 100) of the values; 0 for an empty sample.</summary>
    public static double Of(IReadOnlyCollection<double> values, double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        // Multiply before dividing and allow for rounding so p99 of 100 values is rank 99, not 100.
        var rank = (int)Math.Ceiling((percentile * sorted.Length / 100) - 1e-9);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
