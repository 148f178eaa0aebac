using System.Globalization;
using Search.Benchmarks.Corpus;
using Search.Benchmarks.Engines;
using Search.Benchmarks.Reporting;
using Search.Evaluation;

namespace Search.Benchmarks.Scenarios;

/// <summary>
/// A generated corpus of about <see cref="BenchmarkSettings.Passages"/> service passages: ingest rate and query
/// latency of the service and of FTS5 (porter) at a size SciFact does not reach. Nothing is judged, so no quality.
/// </summary>
public static class LargeCorpusScenario
{
    public const string Name = "200k";

    // Documents per ingest stream; the passage count is read back after each stream to know when to stop.
    private const int StreamDocuments = 10_000;

    public static async Task<ScenarioResult> RunAsync(SciFactData data, BenchmarkSettings settings, string workDirectory, TextWriter log, CancellationToken ct)
    {
        var generator = new SyntheticCorpus(data.Documents, settings.Seed);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"200k: generating documents from a {generator.VocabularySize:N0}-word vocabulary until the service holds {settings.Passages:N0} passages"));

        var documents = new List<BenchmarkDocument>();
        var results = new List<EngineResult>();
        var queryCount = settings.Queries ?? BenchmarkSettings.DefaultLargeQueries;
        var (queries, warmUp) = Queries(data, generator, queryCount, settings.Seed);

        await using (var service = await RetrievalServiceEngine.StartAsync(Path.Combine(workDirectory, "large-index"), settings.ServiceSettings, ct))
        {
            var ingest = IngestMeasurement.Empty;
            var ingestCpu = CpuTime.Zero;
            var progress = new ProgressLog("service ingest", "documents", log);
            while ((ingest.Passages ?? 0) < settings.Passages)
            {
                // Size the next stream from the passages per document seen so far, so the total lands close to the target.
                var remaining = settings.Passages - (ingest.Passages ?? 0);
                var perDocument = ingest.Documents == 0 ? 2.5 : (double)ingest.Passages!.Value / ingest.Documents;
                // The first stream only calibrates, so a small target is not overshot by a wrong guess.
                var estimate = Math.Ceiling(remaining / perDocument / (ingest.Documents == 0 ? 2 : 1));
                var count = (int)Math.Clamp(estimate, 1, StreamDocuments);
                var chunk = new List<BenchmarkDocument>(count);
                for (var i = 0; i < count; i++)
                {
                    chunk.Add(generator.Next());
                }

                documents.AddRange(chunk);
                var cpu = CpuMeter.Start(service);
                ingest = ingest.Add(await service.IngestAsync(chunk, progress, ct));
                ingestCpu = ingestCpu.Add(cpu.Stop());
            }

            var stats = await service.GetStatsAsync(ct);
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"service: {ingest.Documents:N0} documents, {ingest.Passages:N0} passages in {ingest.Elapsed.TotalSeconds:0.00} s (index holds {stats.Documents:N0} / {stats.Passages:N0})"));
            var run = await QueryRunner.RunAsync(service, queries, warmUp, log, ct);
            var result = EngineResults.From(service, EngineResults.ServiceDetail(settings), ingest, ingestCpu, service.IndexBytes(), run, quality: null);
            results.Add(await AnswerSizeProbe.AddToAsync(result with { ByQueryKind = ByKind(run) }, service, queries, warmUp, log, ct));
        }

        await using (var fts = Fts5Engine.Create(Path.Combine(workDirectory, "large-porter.db"), Fts5Tokenizer.PorterUnicode61))
        {
            var cpu = CpuMeter.Start(fts);
            var ingest = await fts.IngestAsync(documents, new ProgressLog($"{fts.Name} ingest", "documents", log), ct);
            var ingestCpu = cpu.Stop();
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{fts.Name}: {fts.CountRows():N0} rows in {ingest.Elapsed.TotalSeconds:0.00} s"));
            var run = await QueryRunner.RunAsync(fts, queries, warmUp, log, ct);
            var result = EngineResults.From(fts, EngineResults.FtsDetail(Fts5Tokenizer.PorterUnicode61), ingest, ingestCpu, fts.IndexBytes(), run, quality: null);
            results.Add(result with { ByQueryKind = ByKind(run) });
        }

        var passages = results[0].Passages ?? 0;
        return new ScenarioResult(Name,
            string.Create(CultureInfo.InvariantCulture,
                $"generated English documents (seed {settings.Seed}, Zipf background over SciFact's vocabulary + one SciFact abstract's words as topic): {documents.Count:N0} documents, {passages:N0} service passages; {queries.Count} queries, half SciFact claims and half 2-5 generated keywords"),
            EngineResults.WithIngestRatios(results));
    }

    /// <summary>Claims (even positions) and keyword queries (odd positions) apart: their cost differs in kind.</summary>
    private static List<KindLatency> ByKind(QueryRun run)
    {
        var claims = run.Latencies(i => i % 2 == 0);
        var keywords = run.Latencies(i => i % 2 == 1);
        return
        [
            new KindLatency("scifact_claims", claims.Count, Percentiles.Of(claims, 50), Percentiles.Of(claims, 99)),
            new KindLatency("generated_keywords", keywords.Count, Percentiles.Of(keywords, 50), Percentiles.Of(keywords, 99)),
        ];
    }

    /// <summary>Timed queries and warm-up queries, alternating SciFact claims and generated keyword queries.</summary>
    private static (List<string> Timed, List<string> WarmUp) Queries(SciFactData data, SyntheticCorpus generator, int count, int seed)
    {
        // A random apart from the corpus's, so the corpus does not change with the number of queries.
        var random = new Random(seed + 1);
        var claims = data.Queries.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => q.Value).ToArray();
        random.Shuffle(claims);
        var all = new List<string>(count + BenchmarkSettings.WarmUpQueries);
        for (var i = 0; i < count + BenchmarkSettings.WarmUpQueries; i++)
        {
            all.Add(i % 2 == 0 ? claims[(i / 2) % claims.Length] : generator.KeywordQuery(random));
        }

        return (all[..count], all[count..]);
    }
}
