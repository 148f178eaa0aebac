using System.Text.Json;

namespace Search.EndToEnd.Tests;

/// <summary>
/// Faults during a load-harness run (tools/Search.LoadTest as its own process, open loop at a fixed
/// rate): a service killed with SIGKILL and restarted mid-run, or Redis killed and restarted, must
/// cost no request. What the harness counts is read from its JSON report.
/// </summary>
public static class LoadRun
{
    public const int Rate = 20;

    /// <summary>Runs the harness for 8 s against <paramref name="fixture"/>'s REST API while <paramref name="fault"/> runs.</summary>
    public static async Task<JsonElement> WithFaultAsync(ClusterFixture fixture, string[] questions, double repeat, Func<CancellationToken, Task> fault, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("search-load-fault-");
        try
        {
            var queries = Path.Combine(folder.FullName, "queries.txt");
            var report = Path.Combine(folder.FullName, "report.json");
            await File.WriteAllLinesAsync(queries, questions, ct);
            var run = CliProcess.RunToolAsync("LoadTest",
            [
                "--target", fixture.Cluster.GatewayHttpAddress, "--protocol", "rest",
                "--rate", Rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", "8s", "--warmup", "1s",
                "--queries", queries, "--repeat", repeat.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--timeout", "20s", "--out", report, "--seed", "7",
            ]);
            await fault(ct);
            var result = await run;
            Assert.True(result.ExitCode == 0, $"the harness exited {result.ExitCode}: {result.Error}");
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, ct));
            return json.RootElement.Clone();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    public static string Summary(JsonElement report) => report.GetProperty("summary").GetString() ?? "";
}

public sealed class LoadFaultTests(FaultClusterFixture fixture) : IClassFixture<FaultClusterFixture>
{
    private static readonly string[] Questions =
    [
        FaultClusterFixture.Question, "When was the quillophone invented?", "How is the quillophone played?",
        "What is a harp?", "How is the harp played?", "Who played the quillophone first?",
    ];

    [Theory]
    [InlineData("Router")]
    [InlineData("Rerank")]
    [InlineData("Answer")]
    public async Task AServiceKilledDuringARunDegradesResponsesButFailsNone(string service)
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await LoadRun.WithFaultAsync(fixture, Questions, repeat: 0.5, async token =>
        {
            // Into the measured window (after the 1 s warm-up), down for about 2.5 s, then back.
            await Task.Delay(TimeSpan.FromSeconds(3), token);
            fixture.Cluster[service].Kill();
            await Task.Delay(TimeSpan.FromSeconds(2.5), token);
            await fixture.Cluster.RestartAsync(service, token);
        }, ct);

        Assert.True(report.GetProperty("errors").GetInt64() == 0, LoadRun.Summary(report));
        Assert.True(report.GetProperty("succeeded").GetInt64() >= LoadRun.Rate * 7, LoadRun.Summary(report));
        Assert.True(report.GetProperty("degraded_responses").GetInt64() > 0, $"no degraded response while {service} was down: {LoadRun.Summary(report)}");
        Assert.True(report.GetProperty("degraded_by_stage").TryGetProperty(service.ToLowerInvariant(), out _), report.GetProperty("degraded_by_stage").ToString());

        // And the service is used again after its restart.
        await fixture.AssertRecoversAsync(ct);
    }
}

public sealed class LoadRedisFaultTests(CacheClusterFixture fixture) : IClassFixture<CacheClusterFixture>
{
    [Fact]
    public async Task RedisKilledAndRestartedDuringARunFailsNoRequest()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;
        await fixture.IngestAsync("load-redis", "The quorbel clock was built by Hana Ito in 1890 in Osaka.", ct);
        string[] questions = ["Who built the quorbel clock?", "When was the quorbel clock built?", "Where was the quorbel clock built?"];

        var report = await LoadRun.WithFaultAsync(fixture, questions, repeat: 0.8, async token =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), token);
            fixture.Cluster.Redis!.Kill();
            await Task.Delay(TimeSpan.FromSeconds(2), token);
            await fixture.Cluster.Redis.StartAsync(token);
        }, ct);

        Assert.True(report.GetProperty("errors").GetInt64() == 0, LoadRun.Summary(report));
        Assert.True(report.GetProperty("succeeded").GetInt64() >= LoadRun.Rate * 7, LoadRun.Summary(report));
        // Hits before the kill and after the restart; the run would show none if the cache never came back or never worked.
        Assert.True(report.GetProperty("cached_responses").GetInt64() > 0, LoadRun.Summary(report));
    }
}
