namespace Search.LoadTest.Running;

/// <summary>Lock-free running maximum of a shared <see cref="long"/>.</summary>
public static class AtomicLong
{
    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> if that is larger, whatever other threads do meanwhile.</summary>
    public static void Max(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
