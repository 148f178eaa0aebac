using System.Diagnostics;
using Grpc.Core;
using Search.Benchmarks.Engines;
using Search.Benchmarks.Reporting;
using Search.Evaluation;

namespace Search.Benchmarks.Scenarios;

/// <summary>
/// The rankings of one pass over a query set and the client-side latency of each query, both in query order
/// (a failed query has an empty ranking and no latency).
/// </summary>
public sealed record QueryRun(IReadOnlyList<IReadOnlyList<string>> Rankings, IReadOnlyList<double?> QueryMs, int Failed, CpuTime Cpu)
{
    public IReadOnlyList<double> LatenciesMs => Latencies(_ => true);

    public double P50Ms => Percentiles.Of(LatenciesMs, 50);

    public double P99Ms => Percentiles.Of(LatenciesMs, 99);

    public double MeanMs => LatenciesMs.Count == 0 ? 0 : LatenciesMs.Average();

    /// <summary>Latencies of the successful queries whose position satisfies <paramref name="include"/>.</summary>
    public IReadOnlyList<double> Latencies(Func<int, bool> include) =>
        QueryMs.Select((ms, i) => (ms, i)).Where(q => q.ms is not null && include(q.i)).Select(q => q.ms!.Value).ToArray();
}

/// <summary>Runs queries one at a time, after a warm-up on other queries, and times each from call to ranked ids.</summary>
public static class QueryRunner
{
    public static async Task<QueryRun> RunAsync(ISearchEngine engine, IReadOnlyList<string> queries, IReadOnlyList<string> warmUp, TextWriter log, CancellationToken ct)
    {
        // The first queries pay for JIT, connection set-up and cold caches; they are not what is measured.
        foreach (var query in warmUp)
        {
            try
            {
                await engine.SearchAsync(query, ct);
            }
            catch (RpcException) when (!ct.IsCancellationRequested)
            {
            }
        }

        var progress = new ProgressLog($"{engine.Name} queries", "queries", log);
        var rankings = new List<IReadOnlyList<string>>(queries.Count);
        var latencies = new List<double?>(queries.Count);
        var failed = 0;
        var cpu = CpuMeter.Start(engine);
        foreach (var query in queries)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var ranked = await engine.SearchAsync(query, ct);
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                rankings.Add(ranked);
            }
            catch (RpcException e) when (!ct.IsCancellationRequested)
            {
                // A failed query ranks nothing and scores zero, as in `eval beir`; it has no latency.
                failed++;
                rankings.Add([]);
                latencies.Add(null);
                if (failed <= 5)
                {
                    await log.WriteLineAsync($"{engine.Name}: query failed ({e.StatusCode}): {e.Status.Detail}");
                }
            }

            progress.Advance();
        }

        return new QueryRun(rankings, latencies, failed, cpu.Stop());
    }
}
