using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Search.Evaluation.Plots;

namespace Search.LoadTest.Tests;

/// <summary>The harness as a process runs it, against a fake gateway on loopback.</summary>
public sealed partial class HarnessEndToEndTests : IAsyncLifetime
{
    private static readonly string[] Lines =
    [
        "who wrote hamlet #hit #answer", "how tall is everest", "what is bm25 #429", "when did apollo 11 land #hit",
        "who invented the telephone #500", "how long is the nile #degraded", "水的沸点是多少 #hit #degraded",
        "what is the speed of light #answer", "who painted the mona lisa #garbage", "what is the capital of france #hit",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("loadtest-e2e-").FullName;
    private FakeGateway _gateway = null!;
    private string _queries = null!;

    public async ValueTask InitializeAsync()
    {
        _gateway = await FakeGateway.StartAsync(TestContext.Current.CancellationToken);
        _queries = Path.Combine(_directory, "queries.txt");
        await File.WriteAllLinesAsync(_queries, Lines, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AnOpenLoopRestRunCountsStatusesHitsAndWritesTheReportAndThePlot()
    {
        var reportPath = Path.Combine(_directory, "out", "report.json");
        var plotPath = Path.Combine(_directory, "out", "latency.png");

        // 50 ms of warm-up at 200/s is the first 10 requests; then 40 measured: each line four times.
        var (code, output, error) = await Run(
            "--target", _gateway.RestAddress, "--queries", _queries, "--rate", "200", "--warmup", "50ms", "--duration", "1h",
            "--requests", "40", "--repeat", "0", "--seed", "1", "--k", "5", "--lang", "en", "--out", reportPath, "--plot", plotPath);

        Assert.True(code == 0, error);
        var measured = Enumerable.Range(10, 40).Select(i => Lines[i % Lines.Length]).ToList();
        var expected = Expect(measured, rest: true);
        Assert.Equal(50, _gateway.Received.Count);
        Assert.All(_gateway.Received, r => Assert.Equal(("en", 5), (r.Lang, r.K)));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath, TestContext.Current.CancellationToken));
        var report = json.RootElement;
        Assert.Equal(10, report.GetProperty("warmup_requests").GetInt64());
        Assert.Equal(40, report.GetProperty("sent").GetInt64());
        Assert.Equal(40, report.GetProperty("completed").GetInt64());
        Assert.Equal(expected.Ok, report.GetProperty("succeeded").GetInt64());
        Assert.Equal(expected.Errors, ErrorsByKind(report));
        Assert.Equal(expected.Errors.Values.Sum(), report.GetProperty("errors").GetInt64());
        Assert.Equal(Math.Round((double)expected.Hits / expected.Ok, 4), report.GetProperty("cache_hit_ratio").GetDouble());
        Assert.Equal(expected.Degraded, report.GetProperty("degraded_responses").GetInt64());
        Assert.Equal(expected.Answers, report.GetProperty("answer_boxes").GetInt64());
        Assert.Equal(expected.Ok, report.GetProperty("latency").GetProperty("count").GetInt64());

        var last = output.TrimEnd('\n').Split('\n')[^1];
        Assert.Equal(report.GetProperty("summary").GetString(), last);
        Assert.Matches(SummaryPattern(), last);
        Assert.Contains($" errors={expected.Errors.Values.Sum()} ", last, StringComparison.Ordinal);
        Assert.EndsWith(string.Create(CultureInfo.InvariantCulture, $"hit_ratio={(double)expected.Hits / expected.Ok:0.000}"), last, StringComparison.Ordinal);

        // A PNG of the plot's size: the signature, then the IHDR chunk with width and height.
        var png = await File.ReadAllBytesAsync(plotPath, TestContext.Current.CancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(LatencyPlot.DefaultWidth, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(LatencyPlot.DefaultHeight, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Fact]
    public async Task AGrpcRunCountsStatusCodesAndHits()
    {
        var reportPath = Path.Combine(_directory, "grpc.json");

        var (code, output, error) = await Run(
            "--target", _gateway.GrpcAddress, "--protocol", "grpc", "--queries", _queries, "--rate", "200", "--warmup", "0s",
            "--requests", "20", "--k", "3", "--lang", "zh-Hans", "--seed", "2", "--out", reportPath);

        Assert.True(code == 0, error);
        var expected = Expect(Enumerable.Range(0, 20).Select(i => Lines[i % Lines.Length]).ToList(), rest: false);
        Assert.Equal(20, _gateway.Received.Count);
        Assert.All(_gateway.Received, r => Assert.Equal(("zh-Hans", 3), (r.Lang, r.K)));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath, TestContext.Current.CancellationToken));
        var report = json.RootElement;
        Assert.Equal(expected.Errors, ErrorsByKind(report));
        Assert.Equal(expected.Ok, report.GetProperty("succeeded").GetInt64());
        Assert.Equal(expected.Degraded, report.GetProperty("degraded_responses").GetInt64());
        Assert.Equal(expected.Answers, report.GetProperty("answer_boxes").GetInt64());
        Assert.EndsWith(string.Create(CultureInfo.InvariantCulture, $"hit_ratio={(double)expected.Hits / expected.Ok:0.000}"), output.TrimEnd('\n'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClosedLoopRunSendsExactlyTheRequestsAsked()
    {
        var (code, output, error) = await Run(
            "--target", _gateway.RestAddress, "--queries", _queries, "--concurrency", "4", "--warmup", "0s", "--requests", "30", "--repeat", "0.5", "--seed", "3");

        Assert.True(code == 0, error);
        Assert.Equal(30, _gateway.Received.Count);
        Assert.Contains("30 sent, 30 completed", output, StringComparison.Ordinal);
        Assert.Matches(SummaryPattern(), output.TrimEnd('\n').Split('\n')[^1]);
    }

    [Theory]
    [InlineData("rest")]
    [InlineData("grpc")]
    public async Task ARequestWithoutAnAnswerWithinTheTimeoutIsATimeout(string protocol)
    {
        var slow = Path.Combine(_directory, "slow.txt");
        await File.WriteAllLinesAsync(slow, ["never answered #slow"], TestContext.Current.CancellationToken);
        var reportPath = Path.Combine(_directory, $"slow-{protocol}.json");

        var (code, _, _) = await Run(
            "--target", protocol == "rest" ? _gateway.RestAddress : _gateway.GrpcAddress, "--protocol", protocol, "--queries", slow,
            "--rate", "100", "--warmup", "0s", "--requests", "3", "--timeout", "200ms", "--out", reportPath);

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath, TestContext.Current.CancellationToken));
        Assert.Equal(new Dictionary<string, long> { ["timeout"] = 3 }, ErrorsByKind(json.RootElement));
        // Given up at the timeout, not before (less a timer tick): every recorded latency is about the timeout or more.
        Assert.True(json.RootElement.GetProperty("latency_with_errors").GetProperty("min_ms").GetDouble() >= 180);
    }

    [Fact]
    public async Task NothingListeningIsCountedAsConnectionErrorsAndExitsWithOne()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closed = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();

        var (code, output, error) = await Run("--target", closed, "--queries", _queries, "--rate", "100", "--warmup", "0s", "--requests", "5");

        Assert.Equal(1, code);
        Assert.Contains("no request succeeded", error, StringComparison.Ordinal);
        Assert.Contains("connection 5", output, StringComparison.Ordinal);
        Assert.EndsWith("errors=5 hit_ratio=0.000", output.TrimEnd('\n'), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LoadTestApp.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString().ReplaceLineEndings("\n"), error.ToString());
    }

    /// <summary>What the fake gateway's markers make of these queries.</summary>
    private static Expected Expect(IReadOnlyList<string> queries, bool rest)
    {
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        void Count(string kind) => errors[kind] = errors.GetValueOrDefault(kind) + 1;
        long ok = 0, hits = 0, degraded = 0, answers = 0;
        foreach (var q in queries)
        {
            if (q.Contains("#429", StringComparison.Ordinal))
            {
                Count(rest ? "429" : "ResourceExhausted");
            }
            else if (q.Contains("#500", StringComparison.Ordinal))
            {
                Count(rest ? "500" : "Internal");
            }
            else if (rest && q.Contains("#garbage", StringComparison.Ordinal))
            {
                Count("invalid_response");
            }
            else
            {
                ok++;
                hits += q.Contains("#hit", StringComparison.Ordinal) ? 1 : 0;
                degraded += q.Contains("#degraded", StringComparison.Ordinal) ? 1 : 0;
                answers += q.Contains("#answer", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        return new Expected(ok, hits, degraded, answers, errors);
    }

    private static SortedDictionary<string, long> ErrorsByKind(JsonElement report) =>
        new(report.GetProperty("errors_by_kind").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()), StringComparer.Ordinal);

    [GeneratedRegex(@"^rps=\d+\.\d p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d errors=\d+ hit_ratio=\d\.\d{3}$")]
    private static partial Regex SummaryPattern();

    private sealed record Expected(long Ok, long Hits, long Degraded, long Answers, SortedDictionary<string, long> Errors);
}
