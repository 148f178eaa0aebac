using System.Text.Json.Serialization;

namespace Search.Benchmarks.Reporting;

/// <summary>Everything one run measured, as written to --out.</summary>
public sealed record BenchmarkReport(
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    RunSettings Settings,
    IReadOnlyList<ScenarioResult> Scenarios);

/// <summary>The machine, with /proc/loadavg read at the start and at the end: other work on the machine shows there.</summary>
public sealed record MachineInfo(int ProcessorCount, long MemoryBytes, string Os, string Runtime, string SqliteVersion, string? LoadAverageAtStart)
{
    public string? LoadAverageAtEnd { get; init; }

    /// <summary>The first three fields of /proc/loadavg (1, 5 and 15 minutes), or null off Linux.</summary>
    public static string? ReadLoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

public sealed record RunSettings(
    string DataDirectory,
    string ServiceAssembly,
    int ServicePassagesPerQuery,
    int RankDepth,
    int FtsInsertBatchSize,
    string FtsRankFunction,
    int WarmUpQueries,
    int Seed);

/// <summary>One scenario: what was indexed and queried, and each engine's numbers.</summary>
public sealed record ScenarioResult(string Name, string Description, IReadOnlyList<EngineResult> Engines);

/// <summary>
/// One engine in one scenario. Passages are the service's (FTS5 stores one row per document); quality is
/// present only where judgements exist; the ingest ratio is the service's documents/s over this engine's.
/// </summary>
public sealed record EngineResult(
    string Engine,
    string Detail,
    int Documents,
    long? Passages,
    double IngestSeconds,
    double DocumentsPerSecond,
    double? PassagesPerSecond,
    long IndexBytes,
    int Queries,
    int FailedQueries,
    double P50Ms,
    double P99Ms,
    double MeanMs,
    RankingQuality? Quality,
    double? IngestRatioServiceOverThis)
{
    /// <summary>The service's latency when it is asked for the passages' text and highlights too (service rows only).</summary>
    public LatencySample? WithText { get; init; }

    /// <summary>CPU seconds spent during the ingest, by this process and by the service process.</summary>
    public CpuTime? IngestCpu { get; init; }

    /// <summary>CPU seconds spent during the timed query pass.</summary>
    public CpuTime? QueryCpu { get; init; }

    /// <summary>Distinct documents a query ranked, on average (at most the rank depth, 100).</summary>
    public double MeanRankedDocuments { get; init; }

    /// <summary>Latency by kind of query, where a scenario mixes kinds.</summary>
    public IReadOnlyList<KindLatency>? ByQueryKind { get; init; }

    /// <summary>Mean size of one serialised answer of the timed pass (service rows only).</summary>
    public double? MeanResponseBytes { get; init; }

    /// <summary>Vectors written after the acknowledgement (service rows with embeddings on), measured before any query is timed.</summary>
    public VectorBacklog? Vectors { get; init; }
}

/// <summary>
/// The service's asynchronous vectors for one ingest: every document is searchable by BM25 at the acknowledgement
/// (<paramref name="SearchableAfterSeconds"/> from opening the stream); the last vector was written
/// <paramref name="EmbeddedAfterSeconds"/> from the same start. <paramref name="PendingAtAcknowledgement"/> passages were
/// waiting then; <paramref name="PassagesPerSecond"/> is the backfill's rate over all passages embedded after the
/// stream opened, and <paramref name="ServiceCpuSeconds"/> the service's CPU from the stream's opening to the last vector.
/// </summary>
public sealed record VectorBacklog(
    double SearchableAfterSeconds,
    bool LastDocumentFoundAtAcknowledgement,
    long PendingAtAcknowledgement,
    double EmbeddedAfterSeconds,
    long PassagesEmbedded,
    double PassagesPerSecond,
    double? ServiceCpuSeconds);

/// <summary>Latency percentiles of one kind of query.</summary>
public sealed record KindLatency(string Kind, int Queries, double P50Ms, double P99Ms);

/// <summary>CPU seconds of the benchmark process (client, or the whole engine for FTS5) and of the service process.</summary>
public sealed record CpuTime(double ThisProcessSeconds, double? ServiceSeconds)
{
    public static CpuTime Zero { get; } = new(0, null);

    public CpuTime Add(CpuTime other) =>
        new(ThisProcessSeconds + other.ThisProcessSeconds, ServiceSeconds is null && other.ServiceSeconds is null ? null : (ServiceSeconds ?? 0) + (other.ServiceSeconds ?? 0));
}

/// <summary>Latency of a pass asking for <paramref name="TopK"/> passages (with their text unless <paramref name="IdsOnly"/>), and the mean size of its answers.</summary>
public sealed record LatencySample(int TopK, bool IdsOnly, int Queries, double P50Ms, double P99Ms, double MeanResponseBytes);

/// <summary>Means over the judged queries, trec_eval style (a failed query counts as zero).</summary>
public sealed record RankingQuality(int JudgedQueries, double NdcgAt10, double RecallAt100, double MrrAt10);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(BenchmarkReport))]
public sealed partial class BenchmarkReportJsonContext : JsonSerializerContext;
