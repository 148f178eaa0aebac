using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Search.Cli.Evaluation;
using Search.Client;
using Search.Evaluation;
using Search.Evaluation.Datasets;

namespace Search.Cli.Commands;

/// <summary><c>eval beir</c>: runs every judged query through the cluster's retrieval path and scores the ranking.</summary>
public static class BeirEvalCommand
{
    private const string Details = """
        Runs every query that has judgements in the qrels through the cluster's retrieval path (BM25
        passages, documents ranked by their best passage) and scores the ranking as trec_eval does.
        Nothing is ingested: run 'ingest CORPUS --format beir' first. With --fold test only the queries
        'fit-rerank' never fits on are asked, so a figure for the fused reranker is out of sample.

          ndcg@K          graded nDCG at K (default K = 10)
          recall@100      share of the judged-relevant documents in the first 100
          mrr@K           reciprocal rank of the first relevant document within K
          p50_ms, p99_ms  client-side round trip of successful requests

        The last line is ndcg@K=… recall@100=… mrr@K=… p50_ms=… p99_ms=…
        """;

    // Retrieval's largest page; enough passages for about 100 distinct documents on abstract-sized corpora.
    private const int PassagesPerQuery = 200;

    // The most results a search returns; with --rerank every one of them has been reranked.
    private const int RerankedPerQuery = 50;

    public static Command Create(Option<string> gateway)
    {
        var corpus = new Option<string>("--corpus") { Description = "the corpus.jsonl(.gz) that was ingested (checked to exist; required)", HelpName = "FILE" };
        var queries = new Option<string>("--queries") { Description = "queries.jsonl (required)", HelpName = "FILE" };
        var qrels = new Option<string>("--qrels") { Description = "qrels TSV: query-id, corpus-id, score (required)", HelpName = "FILE" };
        var k = CliSyntax.Number("--k", "cut-off for nDCG and MRR, 1..100", 10, 1, 100);
        var limit = CliSyntax.Limit("--limit", "only the first N judged queries");
        var concurrency = CliSyntax.Number("--concurrency", "requests in flight, 1..64", 1, 1, 64);
        var fold = CliSyntax.Choice("--fold", "all, or test: only the queries 'fit-rerank' holds out (query id mod 4 = 3)", ["all", "test"], defaultValue: "all");
        var rerank = new Option<bool>("--rerank")
        {
            Description = "go through the whole search pipeline instead (gateway Search: BM25, then the reranker over "
                + "the first 50 passages); recall@100 then counts at most 50 passages",
        };
        var command = new CliCommand("beir", "Measures nDCG@10, Recall@100 and MRR@10 of retrieval on a BEIR dataset.", Details)
        {
            corpus, queries, qrels, k, limit, concurrency, fold, rerank,
        };
        CliSyntax.Require(command, corpus);
        CliSyntax.Require(command, queries);
        CliSyntax.Require(command, qrels);
        command.SetAction((parse, cancellationToken) => RunAsync(
            new BeirRun(parse.GetValue(corpus)!, parse.GetValue(queries)!, parse.GetValue(qrels)!, parse.GetValue(k), parse.GetValue(limit) ?? int.MaxValue, parse.GetValue(concurrency), parse.GetValue(fold) == "test", parse.GetValue(rerank)),
            parse.GetValue(gateway)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private sealed record BeirRun(string Corpus, string Queries, string Qrels, int K, int Limit, int Concurrency, bool HeldOutOnly, bool Rerank);

    private static async Task<int> RunAsync(BeirRun run, string gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (corpus, queriesPath, qrelsPath, k, limit, concurrency, heldOutOnly, rerank) = run;
        if (!File.Exists(corpus))
        {
            await error.WriteLineAsync($"error: corpus '{corpus}' not found");
            return CliApp.ExitFailure;
        }

        Dictionary<string, string> queries;
        Dictionary<string, Dictionary<string, int>> qrels;
        try
        {
            queries = BeirReader.ReadQueries(queriesPath);
            qrels = BeirReader.ReadQrels(qrelsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return CliApp.ExitFailure;
        }

        var judged = qrels.Keys.Where(queries.ContainsKey).Where(id => !heldOutOnly || QueryFolds.IsHeldOut(id)).OrderBy(id => id, StringComparer.Ordinal).Take(limit).ToList();
        var missing = qrels.Count - qrels.Keys.Count(queries.ContainsKey);
        using var client = CliApp.Connect(gateway);
        await client.GetStatsAsync(cancellationToken);
        await error.WriteLineAsync($"eval beir: {judged.Count} judged queries{(heldOutOnly ? " of the held-out fold" : "")} ({missing} without query text skipped), concurrency {concurrency}, {(rerank ? "search pipeline with rerank" : "retrieval only")}");

        var scores = new ConcurrentBag<(double Ndcg, double Recall, double Rr)>();
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentBag<string>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(judged, parallel, async (id, ct) =>
        {
            var watch = Stopwatch.StartNew();
            try
            {
                var documentIds = rerank
                    ? (await client.SearchAsync(queries[id], null, RerankedPerQuery, includeAbstained: false, ct)).Results.Select(r => r.DocumentId).ToList()
                    : (await client.RetrieveAsync(queries[id], PassagesPerQuery, idsOnly: true, cancellationToken: ct)).Passages.Select(p => p.Passage.DocumentId).ToList();
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                var ranked = RankingMetrics.DocumentsByBestPassage(documentIds);
                scores.Add((RankingMetrics.NdcgAt(ranked, qrels[id], k), RankingMetrics.RecallAt(ranked, qrels[id], 100), RankingMetrics.ReciprocalRankAt(ranked, qrels[id], k)));
            }
            catch (Exception e) when (e is RpcException or GatewayUnreachableException)
            {
                // A failed query scores zero on every metric, as an empty ranking would.
                scores.Add((0, 0, 0));
                failures.Add($"{id}\t{(e as RpcException)?.StatusCode.ToString() ?? "Unavailable"}\t{e.Message}");
            }

            var count = Interlocked.Increment(ref done);
            if (count % 100 == 0 || count == judged.Count)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"eval beir: {count}/{judged.Count} queries ({count / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F1} q/s)"));
            }
        });

        var n = Math.Max(1, scores.Count);
        double ndcg = scores.Sum(s => s.Ndcg) / n, recall = scores.Sum(s => s.Recall) / n, mrr = scores.Sum(s => s.Rr) / n;
        double p50 = Percentiles.Of(latencies, 50), p99 = Percentiles.Of(latencies, 99);
        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Create(c, $"metric          value"));
        await output.WriteLineAsync(string.Create(c, $"queries         {judged.Count}"));
        await output.WriteLineAsync(string.Create(c, $"ndcg@{k,-10} {ndcg:0.0000}"));
        await output.WriteLineAsync(string.Create(c, $"recall@100      {recall:0.0000}"));
        await output.WriteLineAsync(string.Create(c, $"mrr@{k,-11} {mrr:0.0000}"));
        await output.WriteLineAsync(string.Create(c, $"latency_p50_ms  {p50:0.0}"));
        await output.WriteLineAsync(string.Create(c, $"latency_p99_ms  {p99:0.0}"));
        await output.WriteLineAsync(string.Create(c, $"failed          {failures.Count}"));
        foreach (var failure in failures.Take(20))
        {
            await output.WriteLineAsync("  " + failure);
        }

        await output.WriteLineAsync(string.Create(c, $"ndcg@{k}={ndcg:0.000} recall@100={recall:0.000} mrr@{k}={mrr:0.000} p50_ms={p50:0.0} p99_ms={p99:0.0}"));
        return CliApp.ExitOk;
    }
}
