using System.Globalization;
using Search.Benchmarks.Corpus;
using Search.Benchmarks.Engines;
using Search.Benchmarks.Reporting;

namespace Search.Benchmarks.Scenarios;

/// <summary>
/// BEIR SciFact through each engine in turn: the whole corpus in, every judged train query out, scored
/// against the train qrels. Each engine has the machine to itself while it is measured.
/// </summary>
public static class SciFactScenario
{
    public const string Name = "scifact";

    public static async Task<ScenarioResult> RunAsync(SciFactData data, BenchmarkSettings settings, string workDirectory, TextWriter log, CancellationToken ct)
    {
        var queryIds = data.JudgedQueryIds.Take(settings.Queries ?? int.MaxValue).ToList();
        var queries = queryIds.Select(id => data.Queries[id]).ToList();
        // Warm-up uses the test claims, which are never timed or scored here.
        var warmUp = data.UnjudgedQueryIds.Take(BenchmarkSettings.WarmUpQueries).Select(id => data.Queries[id]).ToList();
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"scifact: {data.Documents.Count:N0} documents, {queries.Count} judged train queries, {warmUp.Count} warm-up queries"));

        var results = new List<EngineResult>();
        await using (var service = await RetrievalServiceEngine.StartAsync(Path.Combine(workDirectory, "scifact-index"), settings.ServiceSettings, ct))
        {
            var cpu = CpuMeter.Start(service);
            var ingest = await service.IngestAsync(data.Documents, new ProgressLog("service ingest", "documents", log), ct);
            var ingestCpu = cpu.Stop();
            // Vectors follow the acknowledgement; the queries are timed once the backlog is done, not beside it.
            var vectors = await service.WaitForVectorsAsync(data.Documents[^1], ingest, log, ct);
            var stats = await service.GetStatsAsync(ct);
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"service: {ingest.Documents:N0} documents, {ingest.Passages:N0} passages in {ingest.Elapsed.TotalSeconds:0.00} s (index holds {stats.Documents:N0} / {stats.Passages:N0}){(vectors is null ? "" : $"; every vector written after {vectors.EmbeddedAfterSeconds:0.00} s")}"));
            var run = await QueryRunner.RunAsync(service, queries, warmUp, log, ct);
            var result = EngineResults.From(service, EngineResults.ServiceDetail(settings), ingest, ingestCpu, service.IndexBytes(), run, EngineResults.Quality(run, queryIds, data.TrainQrels)) with { Vectors = vectors };
            results.Add(await AnswerSizeProbe.AddToAsync(result, service, queries, warmUp, log, ct));
        }

        foreach (var tokenizer in new[] { Fts5Tokenizer.Unicode61, Fts5Tokenizer.PorterUnicode61 })
        {
            await using var fts = Fts5Engine.Create(Path.Combine(workDirectory, $"scifact-{tokenizer}.db"), tokenizer);
            var cpu = CpuMeter.Start(fts);
            var ingest = await fts.IngestAsync(data.Documents, new ProgressLog($"{fts.Name} ingest", "documents", log), ct);
            var ingestCpu = cpu.Stop();
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{fts.Name}: {fts.CountRows():N0} rows in {ingest.Elapsed.TotalSeconds:0.00} s"));
            var run = await QueryRunner.RunAsync(fts, queries, warmUp, log, ct);
            results.Add(EngineResults.From(fts, EngineResults.FtsDetail(tokenizer), ingest, ingestCpu, fts.IndexBytes(), run, EngineResults.Quality(run, queryIds, data.TrainQrels)));
        }

        return new ScenarioResult(Name,
            string.Create(CultureInfo.InvariantCulture, $"BEIR SciFact: {data.Documents.Count:N0} documents (title + text), {queries.Count} train queries scored against qrels/train.tsv"),
            EngineResults.WithIngestRatios(results));
    }
}
