using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Search.Client;
using Search.Contracts.V1;

namespace Search.EndToEnd.Tests;

/// <summary>A cluster with an empty index and a small REST body limit, for the ingestion promises.</summary>
public class IngestClusterFixture : ClusterFixture
{
    public const int MaxBodyBytes = 64 * 1024;

    protected override IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraArguments
    {
        get
        {
            var arguments = base.ExtraArguments.ToDictionary(kv => kv.Key, kv => kv.Value);
            arguments["Gateway"] = [.. arguments["Gateway"], $"--Gateway:MaxIngestBodyBytes={MaxBodyBytes}"];
            return arguments;
        }
    }

    /// <summary>POST /api/documents with the cluster's ingest key (or <paramref name="key"/>; "" sends none).</summary>
    public async Task<HttpResponseMessage> PostNdjsonAsync(string body, string? key = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/x-ndjson")),
        };
        AddKey(request, key);
        return await Http.SendAsync(request, ct);
    }

    public async Task<HttpResponseMessage> DeleteAsync(string id, string? key = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/documents/" + Uri.EscapeDataString(id));
        AddKey(request, key);
        return await Http.SendAsync(request, ct);
    }

    /// <summary>Document ids of the REST search results for <paramref name="query"/>.</summary>
    public async Task<List<string>> SearchIdsAsync(string query, CancellationToken ct)
    {
        using var response = await Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(query), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"search '{query}' answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("document_id").GetString()!).ToList();
    }

    public static string Line(string id, string text, string title = "") =>
        JsonSerializer.Serialize(new { id, title, text });

    private void AddKey(HttpRequestMessage request, string? key)
    {
        key ??= Cluster.IngestApiKey;
        if (key.Length > 0)
        {
            request.Headers.Add("X-Api-Key", key);
        }
    }
}

/// <summary>
/// What users rely on when they feed the index through the gateway: per-item rejection, the API key,
/// freshness (searchable as soon as acknowledged), deletes that stick, idempotent upserts and durability.
/// </summary>
public sealed class IngestionTests(IngestClusterFixture fixture) : IClassFixture<IngestClusterFixture>
{
    [Fact]
    public async Task NdjsonIngestCountsAcceptedAndRejectedItemsWithAReasonEach()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = string.Join('\n',
            IngestClusterFixture.Line("nd-good-en", "The grumbleberry is a purple fruit that ripens in late autumn."),
            "{\"id\": \"nd-broken\", \"text\": ",
            "",
            IngestClusterFixture.Line("nd-no-text", ""),
            IngestClusterFixture.Line("nd-good-zh", "紫晶莓是一种在深秋成熟的紫色水果。"),
            "[1, 2, 3]") + "\n";

        using var response = await fixture.PostNdjsonAsync(body, ct: ct);
        var text = await response.Content.ReadAsStringAsync(ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(2, json.RootElement.GetProperty("accepted").GetInt32());
        var rejected = json.RootElement.GetProperty("rejected").EnumerateArray().ToList();
        // Items are the non-empty lines, counted from 0: the broken line, the empty text, the array.
        Assert.Equal([1, 2, 4], rejected.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Contains("line 2", rejected[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("nd-no-text", rejected[1].GetProperty("document_id").GetString());
        Assert.Contains("text is missing", rejected[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("line 6", rejected[2].GetProperty("reason").GetString(), StringComparison.Ordinal);

        Assert.Equal("nd-good-en", (await fixture.SearchIdsAsync("grumbleberry fruit", ct))[0]);
        Assert.Equal("nd-good-zh", (await fixture.SearchIdsAsync("紫晶莓", ct))[0]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-the-key")]
    public async Task WritesWithoutTheRightKeyAre401AndStoreNothing(string key)
    {
        var ct = TestContext.Current.CancellationToken;
        using var post = await fixture.PostNdjsonAsync(IngestClusterFixture.Line("nd-unauthorised", "The snorkelwig is never stored."), key, ct);
        using var delete = await fixture.DeleteAsync("nd-good-en", key, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Contains("X-Api-Key", await post.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        Assert.DoesNotContain("nd-unauthorised", await fixture.SearchIdsAsync("snorkelwig", ct));
    }

    [Fact]
    public async Task GrpcWritesWithoutTheKeyAreUnauthenticated()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = new SearchClient(fixture.Cluster.GatewayGrpcAddress);

        var upsert = await Assert.ThrowsAsync<RpcException>(() => anonymous.UpsertAsync([new Document { Id = "g-anon", Text = "Blorfington is never stored." }], ct));
        var stream = await Assert.ThrowsAsync<RpcException>(() => anonymous.UpsertStreamAsync(One(), ct));
        var delete = await Assert.ThrowsAsync<RpcException>(() => anonymous.DeleteAsync(["nd-good-en"], ct));

        Assert.Equal(StatusCode.Unauthenticated, upsert.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, stream.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, delete.StatusCode);
        // Searching needs no key.
        Assert.Empty((await anonymous.SearchAsync("blorfington", cancellationToken: ct)).Results);

        static async IAsyncEnumerable<Document> One()
        {
            await Task.Yield();
            yield return new Document { Id = "g-anon-stream", Text = "Blorfington is never stored." };
        }
    }

    [Fact]
    public async Task AnAcknowledgedDocumentIsFoundByTheNextSearchAndADeletedOneNeverAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        // Freshness is promised within 1 s of the acknowledgement; retrieval commits and refreshes before it
        // acknowledges, so the very next search must already see the change, which is stricter and not timed.
        for (var round = 0; round < 8; round++)
        {
            var id = $"fresh-{round}";
            var word = $"flimzot{(char)('a' + round)}";
            using (var post = await fixture.PostNdjsonAsync(IngestClusterFixture.Line(id, $"The {word} festival is held on day {round} of the tenth month."), ct: ct))
            {
                Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            }

            Assert.Equal(id, (await fixture.SearchIdsAsync($"{word} festival", ct)).FirstOrDefault());

            using (var delete = await fixture.DeleteAsync(id, ct: ct))
            {
                Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
            }

            for (var i = 0; i < 3; i++)
            {
                Assert.DoesNotContain(id, await fixture.SearchIdsAsync($"{word} festival", ct));
            }

            using var again = await fixture.DeleteAsync(id, ct: ct);
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
    }

    [Fact]
    public async Task ReingestingADocumentReplacesItsPassagesAndLeavesNoOrphans()
    {
        var ct = TestContext.Current.CancellationToken;
        // Three passages: each sentence group is past the 200-word passage size on its own.
        var filler = string.Join(' ', Enumerable.Repeat("The archive keeps many old records about the valley and its people.", 18));
        var longText = $"Wozzlecrag opens the story. {filler} {filler} The ending mentions quindlebark only here.";
        using (var first = await fixture.PostNdjsonAsync(IngestClusterFixture.Line("replace-me", longText, "Wozzlecrag"), ct: ct))
        {
            using var json = JsonDocument.Parse(await first.Content.ReadAsStringAsync(ct));
            Assert.True(json.RootElement.GetProperty("passages").GetInt32() >= 3, "the long version must span several passages");
        }

        var before = await fixture.Client.GetStatsAsync(ct);
        Assert.Equal("replace-me", (await fixture.SearchIdsAsync("quindlebark", ct)).FirstOrDefault());

        using (var second = await fixture.PostNdjsonAsync(IngestClusterFixture.Line("replace-me", "Wozzlecrag is now a short note.", "Wozzlecrag"), ct: ct))
        {
            using var json = JsonDocument.Parse(await second.Content.ReadAsStringAsync(ct));
            Assert.Equal(1, json.RootElement.GetProperty("passages").GetInt32());
        }

        var after = await fixture.Client.GetStatsAsync(ct);
        Assert.Equal(before.Documents, after.Documents);
        Assert.True(before.Passages - after.Passages >= 2, $"passages went from {before.Passages} to {after.Passages}");
        Assert.DoesNotContain("replace-me", await fixture.SearchIdsAsync("quindlebark", ct));
        var hits = await fixture.Client.RetrieveAsync("wozzlecrag", 50, cancellationToken: ct);
        Assert.Equal(["replace-me#0"], hits.Passages.Where(p => p.Passage.DocumentId == "replace-me").Select(p => p.Passage.PassageId));
    }

    [Fact]
    public async Task ConcurrentVersionsOfOneDocumentThroughTheGatewayKeepTheNewest()
    {
        var ct = TestContext.Current.CancellationToken;
        var versions = Enumerable.Range(1, 16).Select(v => 1_800_000_000_000L + v).ToArray();
        new Random(14).Shuffle(versions);

        var posts = versions.Select(async version =>
        {
            var line = JsonSerializer.Serialize(new { id = "ordered-ledger", text = $"The quillbark ledger, edition marker{version}.", updated_at_unix_ms = version });
            using var response = await fixture.PostNdjsonAsync(line, ct: ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        await Task.WhenAll(posts);

        using var search = await fixture.Http.GetAsync("/api/search?q=" + Uri.EscapeDataString("quillbark ledger edition"), ct);
        using var json = JsonDocument.Parse(await search.Content.ReadAsStringAsync(ct));
        var hit = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray(), r => r.GetProperty("document_id").GetString() == "ordered-ledger");
        Assert.Contains($"marker{versions.Max()}", hit.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs400AndStoresNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var line = IngestClusterFixture.Line("too-big", "Gargantuan zapplewort " + new string('x', IngestClusterFixture.MaxBodyBytes));

        using var response = await fixture.PostNdjsonAsync(line, ct: ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MaxIngestBodyBytes", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Empty(await fixture.SearchIdsAsync("zapplewort", ct));
    }

    [Fact]
    public async Task AnAcknowledgedDocumentSurvivesKill9OfRetrieval()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var post = await fixture.PostNdjsonAsync(IngestClusterFixture.Line("durable", "The plonkwhistle was first heard in Lowmoor in 1902."), ct: ct))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        // SIGKILL: no shutdown hook runs, so only what was committed before the acknowledgement can survive.
        fixture.Cluster["Retrieval"].Kill();
        await fixture.Cluster.RestartAsync("Retrieval", ct);

        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await fixture.Http.GetAsync("/api/search?q=plonkwhistle", ct);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > until)
            {
                break;
            }

            // The gateway reconnects to the restarted process within its 2 s back-off.
            await Task.Delay(250, ct);
        }

        Assert.Equal("durable", (await fixture.SearchIdsAsync("plonkwhistle", ct)).FirstOrDefault());
    }
}
