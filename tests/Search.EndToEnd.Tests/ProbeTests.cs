using System.Globalization;
using Search.Hosting;
using Search.Launcher;

namespace Search.EndToEnd.Tests;

/// <summary>The demo corpus, as `make run` serves it, and the team's probe set ingested through the CLI beside it.</summary>
public sealed class ProbeClusterFixture : ClusterFixture
{
    public static string ProbeFile => Path.Combine(RepoLayout.Root, "tools", "probe", "probe.json");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await DemoCorpus.IngestIfEmptyAsync(Client, RepoLayout.DemoCorpus, _ => { }, CancellationToken.None);
        var result = await CliProcess.RunAsync(Cluster.GatewayGrpcAddress, "ingest", ProbeFile, "--format", "squad", "--api-key", Cluster.IngestApiKey);
        Assert.True(result.ExitCode == 0, $"ingest {ProbeFile} failed ({result.ExitCode}):\n{result.Output}\n{result.Error}");
    }
}

public sealed class ProbeTests(ProbeClusterFixture fixture) : IClassFixture<ProbeClusterFixture>
{
    // Fresh short documents (tools/probe): the shipped answer model with the reader's focus rule, on the demo
    // corpus + probe index, 2026-12-03; the measured figure is beside each floor. Before the focus rule the same
    // run gave precision 0.519 and 16 boxes on the 29 unanswerable questions (docs/quality.md). Reading sentences
    // beyond the subject first and typing times of day (2026-12-06) took right boxes from 38 to 60 of 95 at precision 0.870;
    // counting the title in every sentence of its passage (2026-12-06, later) took them to 71 at precision 0.973; a sole
    // measure shown below the threshold (2026-12-07) to 79 at precision 0.988.
    [Fact]
    public async Task TheProbeSetMeetsItsMeasuredFloors()
    {
        var result = await CliProcess.RunAsync(fixture.Cluster.GatewayGrpcAddress, "eval", "probe", "--file", ProbeClusterFixture.ProbeFile);
        Assert.True(result.ExitCode == 0, $"eval probe failed ({result.ExitCode}):\n{result.Output}\n{result.Error}");
        TestContext.Current.SendDiagnosticMessage(result.LastLine);
        Console.WriteLine(result.Output);

        var all = Fields(result.LastLine);
        Assert.Equal("all", all["lang"]);
        Assert.Equal("0", all["failed"]);
        var precision = double.Parse(all["box_precision"], CultureInfo.InvariantCulture);
        var unanswered = int.Parse(all["unanswerable_boxes"].Split('/')[0], CultureInfo.InvariantCulture);
        var right = double.Parse(all["right_coverage"], CultureInfo.InvariantCulture);
        Assert.True(right >= RightFloor, $"right_coverage {right:0.000} is under its floor {RightFloor} ({result.LastLine})");
        Assert.True(precision >= PrecisionFloor, $"box_precision {precision:0.000} is under its floor {PrecisionFloor} ({result.LastLine})");
        Assert.True(unanswered <= UnansweredCeiling, $"{unanswered} boxes on unanswerable questions, more than {UnansweredCeiling} ({result.LastLine})");
    }

    private const double PrecisionFloor = 0.90;  // measured 0.988 (79 right of 80 boxes, 2026-12-07); 0.974 on 2026-12-06; 0.809 before the focus rule
    private const double RightFloor = 0.75;      // measured 0.832 (79 of 95 answerable questions, 2026-12-07); 0.789 on 2026-12-06; 0.400 before the focus rule
    private const int UnansweredCeiling = 3;     // measured 1 of 29

    private static Dictionary<string, string> Fields(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
