using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using HdrHistogram;
using Search.LoadTest.Running;
using Search.LoadTest.Targets;

namespace Search.LoadTest.Reporting;

/// <summary>Latency percentiles in milliseconds, each within the histogram's 3 significant digits of a measured latency.</summary>
public sealed record LatencySummary(
    long Count,
    double MinMs,
    double MeanMs,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    [property: JsonPropertyName("p99_9_ms")] double P999Ms,
    double MaxMs)
{
    public static LatencySummary From(HistogramBase micros) => new(
        micros.TotalCount,
        Round(MsAt(micros, 0)),
        Round(micros.TotalCount == 0 ? 0 : micros.GetMean() / 1000),
        Round(MsAt(micros, 50)),
        Round(MsAt(micros, 90)),
        Round(MsAt(micros, 99)),
        Round(MsAt(micros, 99.9)),
        Round(MsAt(micros, 100)));

    /// <summary>The latency in milliseconds at <paramref name="percentile"/> (0: the least, 100: the most) of a histogram of microseconds; 0 when it is empty.</summary>
    public static double MsAt(HistogramBase micros, double percentile) =>
        micros.TotalCount == 0 ? 0 : micros.GetValueAtPercentile(percentile) / 1000.0;

    private static double Round(double ms) => Math.Round(ms, 3);
}

/// <summary>One point of the percentile spectrum: the latency that <see cref="Percentile"/>% of requests stayed within.</summary>
public sealed record SpectrumPoint(double Percentile, double LatencyMs);

/// <summary>The run's settings as the report records them.</summary>
public sealed record ReportSettings(
    string Target,
    string Protocol,
    string Mode,
    double? Rate,
    int? Concurrency,
    double DurationSeconds,
    double WarmupSeconds,
    long? Requests,
    string Queries,
    int QueryCount,
    double Repeat,
    int K,
    string? Lang,
    double TimeoutSeconds,
    int MaxInflight,
    int Seed);

/// <summary>Everything a load test measured: the JSON of --out, the text summary and the closing line.</summary>
public sealed record LoadReport(
    ReportSettings Settings,
    DateTimeOffset StartedAt,
    double WindowSeconds,
    long WarmupRequests,
    long Scheduled,
    long Sent,
    long Completed,
    long Succeeded,
    long RepeatRequests,
    double ThroughputRps,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    LatencySummary Latency,
    LatencySummary LatencyWithErrors,
    LatencySummary ErrorLatency,
    long CachedResponses,
    double CacheHitRatio,
    long DegradedResponses,
    IReadOnlyDictionary<string, long> DegradedByStage,
    long AnswerBoxes,
    double AnswerBoxRate,
    IReadOnlyList<SpectrumPoint> Spectrum,
    long CostedResponses,
    IReadOnlyDictionary<string, double> ReportedCpuMsPerResponse,
    string Summary)
{
    /// <summary>For --call ingest: how soon after their acknowledgement sampled documents were searchable; null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IngestVisibility? Ingest { get; init; }

    /// <summary>Percentiles listed in the report's spectrum (a plot draws its own, denser one from the histogram).</summary>
    private static readonly double[] SpectrumPercentiles = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97, 98, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100];

    public static LoadReport Create(LoadSettings settings, int queryCount, DateTimeOffset startedAt, LoadRecorder recorder)
    {
        var counts = recorder.Counts();
        var latency = LatencySummary.From(recorder.Latency);
        var rps = counts.WindowSeconds > 0 ? counts.Completed / counts.WindowSeconds : 0;
        var hitRatio = Ratio(counts.Cached, counts.Succeeded);
        var spectrum = recorder.Latency.TotalCount == 0
            ? []
            : SpectrumPercentiles.Select(p => new SpectrumPoint(p, Math.Round(LatencySummary.MsAt(recorder.Latency, p), 3))).ToList();
        return new LoadReport(
            Describe(settings, queryCount),
            startedAt,
            Math.Round(counts.WindowSeconds, 3),
            counts.Warmup,
            counts.Scheduled,
            counts.Sent,
            counts.Completed,
            counts.Succeeded,
            counts.Repeats,
            Math.Round(rps, 2),
            counts.Errors,
            counts.ErrorsByKind,
            latency,
            LatencySummary.From(recorder.LatencyWithErrors),
            LatencySummary.From(recorder.ErrorLatency),
            counts.Cached,
            Math.Round(hitRatio, 4),
            counts.Degraded,
            counts.DegradedByStage,
            counts.Answers,
            Math.Round(Ratio(counts.Answers, counts.Succeeded), 4),
            spectrum,
            counts.Costed,
            PerResponse(counts),
            SummaryLine(rps, latency.P50Ms, latency.P99Ms, counts.Errors, hitRatio));
    }

    /// <summary>The closing line scripts read: <c>rps=49.9 p50_ms=3.21 p99_ms=12.40 errors=0 hit_ratio=0.312</c>.</summary>
    public static string SummaryLine(double rps, double p50Ms, double p99Ms, long errors, double hitRatio) =>
        string.Create(CultureInfo.InvariantCulture, $"rps={rps:0.0} p50_ms={p50Ms:0.00} p99_ms={p99Ms:0.00} errors={errors} hit_ratio={hitRatio:0.000}");

    public string ToJson() => JsonSerializer.Serialize(this, LoadReportJson.Default.LoadReport);

    /// <summary>The human-readable report; its last line is <see cref="Summary"/>.</summary>
    public string ToText()
    {
        var s = Settings;
        var text = new StringBuilder();
        var mode = s.Rate is { } rate
            ? F($"open loop at {rate:0.##} req/s (at most {s.MaxInflight} in flight)")
            : F($"closed loop, {s.Concurrency} workers");
        Line(text, "target", F($"{s.Target} ({s.Protocol}), {mode}"));
        Line(text, "run", F($"{s.DurationSeconds:0.###} s measured after {s.WarmupSeconds:0.###} s warm-up ({WarmupRequests} requests)")
            + (s.Requests is { } cap ? F($", at most {cap} requests") : ""));
        Line(text, "queries", F($"{s.Queries}: {s.QueryCount} queries, repeat share {s.Repeat:0.##} ({RepeatRequests} repeats sent), seed {s.Seed}"));
        Line(text, "requests", F($"{Scheduled} due, {Sent} sent, {Completed} completed, {Succeeded} ok, {Errors} errors in {WindowSeconds:0.00} s"));
        Line(text, "throughput", F($"{ThroughputRps:0.0} completed/s"));
        Line(text, "latency", Latency.Count == 0
            ? "no successful request"
            : F($"p50 {Latency.P50Ms:0.00} ms, p90 {Latency.P90Ms:0.00}, p99 {Latency.P99Ms:0.00}, p99.9 {Latency.P999Ms:0.00}, max {Latency.MaxMs:0.00} (mean {Latency.MeanMs:0.00}, {Latency.Count} ok)"));
        Line(text, "errors", ErrorsByKind.Count == 0
            ? "none"
            : string.Join(", ", ErrorsByKind.Select(e => F($"{e.Key} {e.Value}"))) + F($"; answered in p50 {ErrorLatency.P50Ms:0.00} ms, p99 {ErrorLatency.P99Ms:0.00}"));
        Line(text, "cache", F($"hit ratio {CacheHitRatio:0.000} ({CachedResponses} of {Succeeded} ok responses cached)"));
        Line(text, "degraded", DegradedResponses == 0
            ? "none"
            : F($"{DegradedResponses} responses ({string.Join(", ", DegradedByStage.Select(d => F($"{d.Key} {d.Value}")))})"));
        Line(text, "answer box", F($"{AnswerBoxRate:0.000} of ok responses ({AnswerBoxes})"));
        Line(text, "cpu", ReportedCpuMsPerResponse.Count == 0
            ? "not reported"
            : string.Join(", ", ReportedCpuMsPerResponse.Select(c => F($"{c.Key} {c.Value:0.000}"))) + F($" ms per response as reported ({CostedResponses} responses)"));
        if (Ingest is { } ingest)
        {
            Line(text, "searchable", ingest.VisibleAfter.Count == 0
                ? F($"no sampled document found ({ingest.Probed} sampled, {ingest.NotVisible} not found within {IngestTarget.ProbeLimit.TotalSeconds:0} s)")
                : F($"{ingest.DocumentsPerSecond:0.0} documents/s acknowledged; {ingest.VisibleAfter.Count} of {ingest.Probed} sampled documents found p50 {ingest.VisibleAfter.P50Ms:0.0} ms, p99 {ingest.VisibleAfter.P99Ms:0.0}, max {ingest.VisibleAfter.MaxMs:0.0} after their acknowledgement; {ingest.NotVisible} not within {IngestTarget.ProbeLimit.TotalSeconds:0} s; {ingest.ProbeErrors} failed probe searches; {ingest.Deleted} documents deleted at the end"));
        }

        text.Append(Summary);
        return text.ToString();
    }

    private static ReportSettings Describe(LoadSettings s, int queryCount) => new(
        s.Target.ToString(),
        s.Protocol == TargetProtocol.Grpc ? "grpc" : "rest",
        s.IsOpenLoop ? "open" : "closed",
        s.Rate,
        s.Concurrency,
        s.Duration.TotalSeconds,
        s.Warmup.TotalSeconds,
        s.Requests,
        Path.GetFullPath(s.QueriesPath),
        queryCount,
        s.Repeat,
        s.K,
        s.Language,
        s.Timeout.TotalSeconds,
        s.MaxInflight,
        s.Seed);

    /// <summary>
    /// The mean CPU each service reported per costed response, services in pipeline order, then "total" (their sum).
    /// Cached responses count with what they cost (the gateway alone).
    /// </summary>
    private static Dictionary<string, double> PerResponse(LoadCounts counts)
    {
        var order = new[] { "gateway", "router", "retrieval", "rerank", "answer" };
        var means = counts.CpuMsByStage
            .OrderBy(s => Array.IndexOf(order, s.Key) is var i and >= 0 ? i : order.Length).ThenBy(s => s.Key, StringComparer.Ordinal)
            .ToDictionary(s => s.Key, s => Math.Round(s.Value / Math.Max(1, counts.Costed), 3), StringComparer.Ordinal);
        if (means.Count > 0)
        {
            means["total"] = Math.Round(counts.CpuMsByStage.Values.Sum() / Math.Max(1, counts.Costed), 3);
        }

        return means;
    }

    private static double Ratio(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    private static void Line(StringBuilder text, string label, string value) => text.Append(label.PadRight(12)).Append(value).Append('\n');

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class LoadReportJson : JsonSerializerContext;
