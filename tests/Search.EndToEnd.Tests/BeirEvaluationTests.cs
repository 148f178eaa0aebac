using Search.Launcher;

namespace Search.EndToEnd.Tests;

/// <summary>SciFact (BEIR) ingested with `ingest --format beir` into its own cluster.</summary>
public sealed class SciFactClusterFixture : ClusterFixture
{
    public static readonly string Folder = Path.Combine(RepoLayout.SharedData, "beir-scifact");
    public static readonly string Corpus = Path.Combine(Folder, "corpus.jsonl.gz");

    public bool DataPresent { get; private set; }

    public override async ValueTask InitializeAsync()
    {
        DataPresent = File.Exists(Corpus);
        if (!DataPresent)
        {
            return;
        }

        await base.InitializeAsync();
        var result = await CliProcess.RunAsync(Cluster.GatewayGrpcAddress, "ingest", Corpus, "--format", "beir");
        Assert.True(result.ExitCode == 0, $"ingest failed ({result.ExitCode}):\n{result.Output}\n{result.Error}");
    }
}

public sealed class BeirEvaluationTests(SciFactClusterFixture fixture) : IClassFixture<SciFactClusterFixture>
{
    [Fact]
    public async Task SciFactTrainQueriesMeetTheirMeasuredFloors()
    {
        if (!fixture.DataPresent)
        {
            Assert.Skip($"BEIR SciFact not found under {SciFactClusterFixture.Folder} (set SEARCH_DATA_DIR)");
        }

        var result = await CliProcess.RunAsync(fixture.Cluster.GatewayGrpcAddress, "eval", "beir",
            "--corpus", SciFactClusterFixture.Corpus,
            "--queries", Path.Combine(SciFactClusterFixture.Folder, "queries.jsonl"),
            "--qrels", Path.Combine(SciFactClusterFixture.Folder, "qrels", "train.tsv"));
        Assert.True(result.ExitCode == 0, $"eval failed ({result.ExitCode}):\n{result.Output}\n{result.Error}");
        TestContext.Current.SendDiagnosticMessage($"scifact train: {result.LastLine}");

        // Measured on all 809 train queries with the default BM25 settings (k1 0.6, b 0.4, title boost 0.5).
        var m = CliProcess.ParseMetrics(result.LastLine);
        Assert.True(m["ndcg@10"] >= 0.67, result.LastLine);     // measured 0.686
        Assert.True(m["recall@100"] >= 0.90, result.LastLine);  // measured 0.920
        Assert.True(m["mrr@10"] >= 0.63, result.LastLine);      // measured 0.654
    }
}
