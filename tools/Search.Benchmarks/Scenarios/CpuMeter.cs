using System.Diagnostics;
using Search.Benchmarks.Engines;
using Search.Benchmarks.Reporting;

namespace Search.Benchmarks.Scenarios;

/// <summary>
/// CPU seconds spent by this process and by the engine's own process over a stretch of work: on two cores
/// this tells whether the client, the server or neither (waiting) was the limit.
/// </summary>
public sealed class CpuMeter
{
    private readonly ISearchEngine _engine;
    private readonly TimeSpan _selfStart;
    private readonly TimeSpan? _serverStart;

    private CpuMeter(ISearchEngine engine)
    {
        _engine = engine;
        _selfStart = SelfTime();
        _serverStart = engine.ServerProcessorTime();
    }

    public static CpuMeter Start(ISearchEngine engine) => new(engine);

    public CpuTime Stop() =>
        new((SelfTime() - _selfStart).TotalSeconds, (_engine.ServerProcessorTime() - _serverStart)?.TotalSeconds);

    private static TimeSpan SelfTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
