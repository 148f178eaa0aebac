using System.Text.Json;
using System.Text.Json.Nodes;

namespace Search.Cli.Tests;

/// <summary><c>fit-rerank</c> run from a candidates cache, so no cluster is needed: what it fits on and what it reports.</summary>
public sealed class FitRerankCommandTests
{
    [Fact]
    public async Task TheHeldOutFoldIsMeasuredButNeverFittedOn()
    {
        // Fitted queries (id mod 4 ≠ 3): the relevant passage has the best BM25, similarity is the same for all.
        // Held-out queries (id mod 4 = 3): the relevant passage has the worst BM25 and the best similarity.
        // Fitted on the first kind only, the model ranks by BM25 and puts the held-out relevant passage last;
        // had the held-out queries been fitted on, similarity would separate them and they would rank first.
        var folder = Directory.CreateTempSubdirectory("fit-rerank-").FullName;
        try
        {
            var queries = new JsonArray();
            for (var id = 0; id < 40; id++)
            {
                var heldOut = id % 4 == 3;
                var candidates = new JsonArray();
                for (var c = 0; c < 5; c++)
                {
                    var relevant = c == 0;
                    var bm25 = heldOut ? (relevant ? 5.0 : 6.0 + c) : (relevant ? 10.0 : 5.0 + c);
                    var similarity = heldOut ? (relevant ? 0.9 : 0.3) : 0.5;
                    candidates.Add(new JsonObject
                    {
                        ["documentId"] = $"d{id}-{c}", ["text"] = "alpha beta", ["title"] = "", ["ordinal"] = 0,
                        ["bm25"] = bm25, ["similarity"] = similarity,
                    });
                }

                queries.Add(new JsonObject
                {
                    ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["query"] = "alpha beta",
                    ["relevant"] = new JsonObject { [$"d{id}-0"] = 1 }, ["candidates"] = candidates, ["heldOut"] = heldOut,
                });
            }

            var set = new JsonObject { ["name"] = "scifact-train", ["kind"] = 0, ["paths"] = new JsonArray("corpus.jsonl.gz"), ["queries"] = queries };
            var cancellation = TestContext.Current.CancellationToken;
            await File.WriteAllTextAsync(Path.Combine(folder, "scifact-train.candidates.json"), set.ToJsonString(), cancellation);
            var weightsPath = Path.Combine(folder, "weights.json");
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await CliApp.RunAsync(
                ["fit-rerank", "--scifact", folder, "--cache", folder, "--candidates", "5", "--out", weightsPath, "--gateway", "http://127.0.0.1:9"],
                output, error, cancellation);

            Assert.True(code == CliApp.ExitOk, error.ToString());
            var report = JsonNode.Parse(await File.ReadAllTextAsync(weightsPath, cancellation))!["fittedOn"]!["sets"]![0]!;
            Assert.Equal(30, report["queries"]!.GetValue<int>());
            Assert.Equal(10, report["heldOutQueries"]!.GetValue<int>());
            Assert.Equal(1.0, report["metrics"]!["fused"]!.GetValue<double>());
            // The relevant passage last of five: nDCG@10 = 1 / log2(6) ≈ 0.387.
            Assert.InRange(report["heldOutMetrics"]!["fused"]!.GetValue<double>(), 0.38, 0.39);
            Assert.Contains("held out (10 queries", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
