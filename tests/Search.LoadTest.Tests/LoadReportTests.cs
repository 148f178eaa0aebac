using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Search.LoadTest.Reporting;
using Search.LoadTest.Running;
using Search.LoadTest.Targets;

namespace Search.LoadTest.Tests;

public sealed partial class LoadReportTests
{
    [Fact]
    public void TheSummaryLineHasTheFixedFieldsInOrder()
    {
        var line = LoadReport.SummaryLine(49.94, 3.214, 12.4, 2, 0.3126);

        Assert.Equal("rps=49.9 p50_ms=3.21 p99_ms=12.40 errors=2 hit_ratio=0.313", line);
    }

    [Fact]
    public void TheSummaryLineIgnoresTheCurrentCulture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Matches(SummaryPattern(), LoadReport.SummaryLine(1234.5, 0.5, 1000.25, 0, 1));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void TheReportCountsWhatTheRecorderSaw()
    {
        const long frequency = TimeSpan.TicksPerSecond;
        var recorder = new LoadRecorder(frequency, measureStartTimestamp: 0);
        recorder.Sent(measured: false, repeat: false);
        recorder.Completed(measured: false, -frequency, -frequency / 2, RequestOutcome.Success(true, [], true));
        for (var i = 0; i < 8; i++)
        {
            recorder.Sent(measured: true, repeat: i % 2 == 0);
            var outcome = i switch
            {
                0 or 1 or 2 => RequestOutcome.Success(cached: true, [], hasAnswer: i == 0),
                3 => RequestOutcome.Success(cached: false, ["rerank", "answer"], hasAnswer: false),
                4 => RequestOutcome.Failure("429"),
                5 => RequestOutcome.Failure(ErrorKinds.Timeout),
                _ => RequestOutcome.Success(cached: false, [], hasAnswer: true),
            };
            // Each was due at i × 100 ms and answered (i + 1) ms later; the last answer comes at 2 s.
            var due = i * frequency / 10;
            recorder.Completed(measured: true, due, i == 7 ? 2 * frequency : due + ((i + 1) * frequency / 1000), outcome);
        }

        recorder.Overloaded(measured: true);
        var settings = new LoadSettings { Target = new Uri("http://127.0.0.1:8080"), QueriesPath = "q.txt", Rate = 10, Seed = 7 };

        var report = LoadReport.Create(settings, queryCount: 3, DateTimeOffset.UnixEpoch, recorder);

        Assert.Equal(1, report.WarmupRequests);
        Assert.Equal(9, report.Scheduled);
        Assert.Equal(8, report.Sent);
        Assert.Equal(8, report.Completed);
        Assert.Equal(6, report.Succeeded);
        Assert.Equal(4, report.RepeatRequests);
        Assert.Equal(3, report.Errors);
        Assert.Equal(new Dictionary<string, long> { ["429"] = 1, ["client_overload"] = 1, ["timeout"] = 1 }, report.ErrorsByKind);
        Assert.Equal(3, report.CachedResponses);
        Assert.Equal(0.5, report.CacheHitRatio);
        Assert.Equal(1, report.DegradedResponses);
        Assert.Equal(new Dictionary<string, long> { ["answer"] = 1, ["rerank"] = 1 }, report.DegradedByStage);
        Assert.Equal(3, report.AnswerBoxes);
        Assert.Equal(0.5, report.AnswerBoxRate);
        Assert.Equal(2.0, report.WindowSeconds);
        Assert.Equal(4.0, report.ThroughputRps);
        Assert.Equal(6, report.Latency.Count);
        Assert.Equal(8, report.LatencyWithErrors.Count);
        // The 429 and the timeout came back; the client_overload request was never sent.
        Assert.Equal(2, report.ErrorLatency.Count);
        Assert.Contains("; answered in p50 ", report.ToText(), StringComparison.Ordinal);
        // Latencies are kept to 3 significant digits: 1,300 ms is read back as the top of its 0.512 ms wide bucket.
        Assert.Equal(1300.479, report.Latency.MaxMs);
        Assert.Equal(1, report.Latency.MinMs);
        Assert.EndsWith(report.Summary, report.ToText(), StringComparison.Ordinal);
        Assert.Matches(SummaryPattern(), report.ToText().Split('\n')[^1]);
        Assert.Equal("rps=4.0 p50_ms=3.00 p99_ms=1300.48 errors=3 hit_ratio=0.500", report.Summary);
    }

    [Fact]
    public void TheJsonReportUsesSnakeCaseNames()
    {
        var recorder = new LoadRecorder(TimeSpan.TicksPerSecond, 0);
        recorder.Sent(true, false);
        recorder.Completed(true, 0, TimeSpan.TicksPerMillisecond, RequestOutcome.Success(true, [], false));
        var settings = new LoadSettings { Target = new Uri("http://127.0.0.1:8081"), QueriesPath = "q.txt", Concurrency = 2, Protocol = TargetProtocol.Grpc };

        using var json = JsonDocument.Parse(LoadReport.Create(settings, 1, DateTimeOffset.UnixEpoch, recorder).ToJson());
        var root = json.RootElement;

        Assert.Equal("grpc", root.GetProperty("settings").GetProperty("protocol").GetString());
        Assert.Equal("closed", root.GetProperty("settings").GetProperty("mode").GetString());
        Assert.Equal(2, root.GetProperty("settings").GetProperty("concurrency").GetInt32());
        Assert.Equal(1.0, root.GetProperty("cache_hit_ratio").GetDouble());
        Assert.Equal(1.0, root.GetProperty("latency").GetProperty("p99_9_ms").GetDouble());
        Assert.Equal(1.0, root.GetProperty("latency").GetProperty("p50_ms").GetDouble());
        Assert.True(root.TryGetProperty("errors_by_kind", out _));
        Assert.True(root.TryGetProperty("answer_box_rate", out _));
        Assert.True(root.TryGetProperty("degraded_responses", out _));
        Assert.Equal(100.0, root.GetProperty("spectrum").EnumerateArray().Last().GetProperty("percentile").GetDouble());
    }

    [Fact]
    public void TheReportAveragesTheCpuEachServiceReportedOverTheResponsesThatReportedIt()
    {
        var recorder = new LoadRecorder(TimeSpan.TicksPerSecond, 0);
        IReadOnlyList<KeyValuePair<string, double>>[] costs =
        [
            [new("gateway", 1.0), new("router", 0.5), new("retrieval", 3.0), new("answer", 6.0)],
            [new("gateway", 0.2)],
            [new("gateway", 1.8), new("router", 0.5), new("retrieval", 2.0), new("retrieval", 1.0)],
        ];
        foreach (var cost in costs)
        {
            recorder.Sent(true, false);
            recorder.Completed(true, 0, TimeSpan.TicksPerMillisecond, RequestOutcome.Success(false, [], false) with { Costs = cost });
        }

        // A response that reported nothing (an older gateway) is not averaged in.
        recorder.Sent(true, false);
        recorder.Completed(true, 0, TimeSpan.TicksPerMillisecond, RequestOutcome.Success(false, [], false));
        var settings = new LoadSettings { Target = new Uri("http://127.0.0.1:8081"), QueriesPath = "q.txt", Concurrency = 1, Protocol = TargetProtocol.Grpc };

        var report = LoadReport.Create(settings, 1, DateTimeOffset.UnixEpoch, recorder);

        Assert.Equal(3, report.CostedResponses);
        Assert.Equal(["gateway", "router", "retrieval", "answer", "total"], report.ReportedCpuMsPerResponse.Keys);
        Assert.Equal([1.0, 0.333, 2.0, 2.0, 5.333], report.ReportedCpuMsPerResponse.Values);
        Assert.Contains("gateway 1.000, router 0.333, retrieval 2.000, answer 2.000, total 5.333 ms per response", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheRestResponseParserReadsTheCosts()
    {
        var outcome = RestTarget.Parse("""{"cached": true, "costs": [{"stage": "gateway", "cpu_ms": 0.25}, {"stage": "router", "cpu_ms": 1.5}]}"""u8);

        Assert.True(outcome.IsSuccess);
        Assert.Equal([KeyValuePair.Create("gateway", 0.25), KeyValuePair.Create("router", 1.5)], outcome.Costs!);
    }

    [GeneratedRegex(@"^rps=\d+\.\d p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d errors=\d+ hit_ratio=\d\.\d{3}$")]
    private static partial Regex SummaryPattern();
}
