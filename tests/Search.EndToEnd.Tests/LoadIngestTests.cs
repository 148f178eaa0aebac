using System.Text.Json;

namespace Search.EndToEnd.Tests;

/// <summary>
/// The load harness's ingest mode (tools/Search.LoadTest --call ingest) against a real cluster: batches of small
/// documents upserted at a fixed rate, sampled documents searched for until found, and every document of the run
/// deleted at its end.
/// </summary>
public sealed class LoadIngestTests(IngestClusterFixture fixture) : IClassFixture<IngestClusterFixture>
{
    [Fact]
    public async Task AnIngestRunFindsEverySampledDocumentAndLeavesNothingBehind()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("search-load-ingest-");
        try
        {
            var queries = Path.Combine(folder.FullName, "lines.txt");
            var reportPath = Path.Combine(folder.FullName, "report.json");
            await File.WriteAllLinesAsync(queries,
                ["The night bus N7 now stops at Harbour Street.", "Opening hours change to 9:00-17:00 from May.", "Version 2.4 fixes the export bug."], ct);

            // 20 requests a second of 5 documents for 3 s: 300 documents, 6 of them sampled.
            var result = await CliProcess.RunToolAsync("LoadTest",
            [
                "--target", fixture.Cluster.GatewayGrpcAddress, "--protocol", "grpc", "--call", "ingest", "--batch", "5",
                "--api-key", fixture.Cluster.IngestApiKey, "--rate", "20", "--duration", "3s", "--warmup", "0s",
                "--queries", queries, "--timeout", "20s", "--out", reportPath, "--seed", "3",
            ]);

            Assert.True(result.ExitCode == 0, $"the harness exited {result.ExitCode}: {result.Error}");
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath, ct));
            var report = json.RootElement;
            var summary = report.GetProperty("summary").GetString();
            var ingest = report.GetProperty("ingest");
            var succeeded = report.GetProperty("succeeded").GetInt64();
            Assert.True(report.GetProperty("errors").GetInt64() == 0, summary);
            Assert.Equal(60, succeeded);
            Assert.Equal(6, ingest.GetProperty("probed").GetInt32());
            Assert.Equal(6, ingest.GetProperty("visible_after").GetProperty("count").GetInt64());
            Assert.Equal(0, ingest.GetProperty("not_visible").GetInt64());
            Assert.Equal(300, ingest.GetProperty("deleted").GetInt32());
            Assert.Contains("documents/s acknowledged", result.Output, StringComparison.Ordinal);

            // Deleted means gone: no passage of the run is found any more.
            var left = await fixture.Client.RetrieveAsync("harbour opening export", 50, cancellationToken: ct);
            Assert.DoesNotContain(left.Passages, p => p.Passage.DocumentId.StartsWith("load-", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
