using System.Globalization;
using Search.Benchmarks.Engines;
using Search.Benchmarks.Reporting;

namespace Search.Benchmarks.Scenarios;

/// <summary>
/// What the passages' text costs: the timed pass asks for ids only (a ranking is all it reads, as FTS5 returns rowids),
/// this pass asks the same queries for the same passages with their text and highlights, as a results page would.
/// The difference is reading, highlighting, serialising and sending the passages, not finding them.
/// </summary>
public static class AnswerSizeProbe
{
    // Answers whose serialised size is averaged, in an extra pass outside any timing.
    private const int SizeSample = 50;

    /// <summary>Adds the mean answer size and the latency with text to the service's row.</summary>
    public static async Task<EngineResult> AddToAsync(
        EngineResult result, RetrievalServiceEngine service, IReadOnlyList<string> queries, IReadOnlyList<string> warmUp, TextWriter log, CancellationToken ct)
    {
        var idsBytes = await service.MeanResponseBytesAsync(queries.Take(SizeSample), ct);
        service.IdsOnly = false;
        try
        {
            var run = await QueryRunner.RunAsync(service, queries, warmUp, log, ct);
            var textBytes = await service.MeanResponseBytesAsync(queries.Take(SizeSample), ct);
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"service with text: p50 {run.P50Ms:0.00} ms, p99 {run.P99Ms:0.00} ms"));
            return result with
            {
                MeanResponseBytes = idsBytes,
                WithText = new LatencySample(RetrievalServiceEngine.PassagesPerQuery, IdsOnly: false, run.LatenciesMs.Count, run.P50Ms, run.P99Ms, textBytes),
            };
        }
        finally
        {
            service.IdsOnly = true;
        }
    }
}
