using System.Globalization;
using Search.Benchmarks.Engines;
using Search.Benchmarks.Reporting;

namespace Search.Benchmarks.Scenarios;

/// <summary>
/// What the size of the service's answer costs: the same queries asking for 10 passages instead of 200.
/// The difference is building, highlighting, serialising and sending the larger answer, not finding it.
/// </summary>
public static class AnswerSizeProbe
{
    public const int SmallPage = 10;

    // Answers whose serialised size is averaged, in an extra pass outside any timing.
    private const int SizeSample = 50;

    /// <summary>Adds the mean answer size and the small-page latency to the service's row.</summary>
    public static async Task<EngineResult> AddToAsync(
        EngineResult result, RetrievalServiceEngine service, IReadOnlyList<string> queries, IReadOnlyList<string> warmUp, TextWriter log, CancellationToken ct)
    {
        var fullPageBytes = await service.MeanResponseBytesAsync(queries.Take(SizeSample), ct);
        service.TopK = SmallPage;
        try
        {
            var run = await QueryRunner.RunAsync(service, queries, warmUp, log, ct);
            var smallPageBytes = await service.MeanResponseBytesAsync(queries.Take(SizeSample), ct);
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"service top_k={SmallPage}: p50 {run.P50Ms:0.00} ms, p99 {run.P99Ms:0.00} ms"));
            return result with
            {
                MeanResponseBytes = fullPageBytes,
                SmallPage = new LatencySample(SmallPage, run.LatenciesMs.Count, run.P50Ms, run.P99Ms, smallPageBytes),
            };
        }
        finally
        {
            service.TopK = RetrievalServiceEngine.PassagesPerQuery;
        }
    }
}
