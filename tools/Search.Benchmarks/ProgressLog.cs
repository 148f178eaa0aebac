using System.Diagnostics;
using System.Globalization;

namespace Search.Benchmarks;

/// <summary>Prints "label: N unit (rate/s)" every few seconds while work advances; single-threaded.</summary>
public sealed class ProgressLog(string label, string unit, TextWriter writer)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    // Started by the first step, so set-up before the work does not lower the rate.
    private readonly Stopwatch _clock = new();
    private TimeSpan _lastPrint;

    public long Count { get; private set; }

    public void Advance(long count = 1)
    {
        _clock.Start();
        Count += count;
        if (_clock.Elapsed - _lastPrint >= Interval)
        {
            _lastPrint = _clock.Elapsed;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {Count:N0} {unit} ({Count / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3):N0}/s)"));
        }
    }
}
