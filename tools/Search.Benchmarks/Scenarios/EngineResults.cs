using Search.Benchmarks.Engines;
using Search.Benchmarks.Reporting;
using Search.Evaluation;

namespace Search.Benchmarks.Scenarios;

/// <summary>Turns measurements into report rows; quality uses the CLI's trec_eval-style metrics.</summary>
public static class EngineResults
{
    public static EngineResult From(ISearchEngine engine, string detail, IngestMeasurement ingest, CpuTime ingestCpu, long indexBytes, QueryRun run, RankingQuality? quality)
    {
        var seconds = Math.Max(ingest.Elapsed.TotalSeconds, 1e-9);
        return new EngineResult(
            engine.Name,
            detail,
            ingest.Documents,
            ingest.Passages,
            ingest.Elapsed.TotalSeconds,
            ingest.Documents / seconds,
            ingest.Passages / seconds,
            indexBytes,
            run.Rankings.Count,
            run.Failed,
            run.P50Ms,
            run.P99Ms,
            run.MeanMs,
            quality,
            IngestRatioServiceOverThis: null)
        {
            IngestCpu = ingestCpu,
            QueryCpu = run.Cpu,
            MeanRankedDocuments = run.Rankings.Count == 0 ? 0 : run.Rankings.Average(r => r.Count),
        };
    }

    /// <summary>nDCG@10, Recall@100 and MRR@10 averaged over the judged queries, in the order they were run.</summary>
    public static RankingQuality Quality(QueryRun run, IReadOnlyList<string> queryIds, IReadOnlyDictionary<string, Dictionary<string, int>> qrels)
    {
        double ndcg = 0, recall = 0, mrr = 0;
        for (var i = 0; i < queryIds.Count; i++)
        {
            var judged = qrels[queryIds[i]];
            var ranked = run.Rankings[i];
            ndcg += RankingMetrics.NdcgAt(ranked, judged, 10);
            recall += RankingMetrics.RecallAt(ranked, judged, ISearchEngine.RankDepth);
            mrr += RankingMetrics.ReciprocalRankAt(ranked, judged, 10);
        }

        var n = Math.Max(1, queryIds.Count);
        return new RankingQuality(queryIds.Count, ndcg / n, recall / n, mrr / n);
    }

    /// <summary>Sets each row's ingest ratio: the service's documents/s over the row's.</summary>
    public static List<EngineResult> WithIngestRatios(IReadOnlyList<EngineResult> results)
    {
        var service = results.FirstOrDefault(r => r.Engine == "service");
        return results
            .Select(r => service is null || ReferenceEquals(r, service) || r.DocumentsPerSecond <= 0
                ? r
                : r with { IngestRatioServiceOverThis = service.DocumentsPerSecond / r.DocumentsPerSecond })
            .ToList();
    }

    /// <summary>How the service was measured, for the report.</summary>
    public static string ServiceDetail(BenchmarkSettings settings) =>
        $"Search.Retrieval over gRPC on loopback, UpsertDocumentStream, Search top_k={RetrievalServiceEngine.PassagesPerQuery} passages ranked into documents by best passage; {RetrievalServiceEngine.DescribeSettings(settings.ServiceSettings)}";

    /// <summary>How an FTS5 variant was measured, for the report.</summary>
    public static string FtsDetail(Fts5Tokenizer tokenizer) =>
        $"SQLite FTS5 in process, tokenize='{Fts5Engine.TokenizerArgument(tokenizer)}', {Fts5Engine.InsertBatchSize} rows per transaction, quoted terms joined by OR, rank {Fts5Engine.RankFunction}, LIMIT {ISearchEngine.RankDepth}";
}
