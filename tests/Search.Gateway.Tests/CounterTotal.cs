using System.Diagnostics.Metrics;

namespace Search.Gateway.Tests;

/// <summary>
/// The sum of what one counter records while this lives, from the meters of one meter factory only (other tests'
/// gateways run in the same process and publish counters of the same name).
/// </summary>
internal sealed class CounterTotal : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterTotal(IMeterFactory scope, string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Name == instrument && ReferenceEquals(published.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
