using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;
using static Search.Retrieval.Tests.Elasticsearch.EsContract;

namespace Search.Retrieval.Tests.Elasticsearch;

/// <summary>Opening against the wire format: index and alias creation, the reindex to a new schema, waiting for the cluster, health.</summary>
public sealed class ElasticsearchLifecycleContractTests
{
    private const string Index = "search-passages-v2";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenCreatesTheVersionedIndexAndThenTheAliasWhenTheAliasIsMissing()
    {
        var fake = FakeElasticsearch.Healthy()
            .On("HEAD", $"/_alias/{Alias}", new Reply(404))
            .On("PUT", $"/{Index}", Reply.Ok(EsJson.IndexCreated(Index)))
            .On("POST", "/_aliases", Reply.Ok(EsJson.Acknowledged()));
        using var store = Store(fake, o =>
        {
            o.Bm25K1 = 0.9;
            o.Bm25B = 0.3;
            o.Elasticsearch.NumberOfShards = 2;
        });

        Assert.Equal(new IndexStats(0, 0), await store.OpenAsync(Cancel));

        Assert.Equal(
            ["GET /_cluster/health", $"HEAD /_alias/{Alias}", $"PUT /{Index}", "POST /_aliases", $"POST /{Alias}/_count", $"POST /{Alias}/_count"],
            fake.Requests.Select(r => $"{r.Method} {r.Path}"));

        var created = Assert.Single(fake.To("PUT", $"/{Index}")).Json;
        var settings = created["settings"]!;
        Assert.Equal((2, 0), ((int?)settings["number_of_shards"], (int?)settings["number_of_replicas"]));
        var similarity = settings["similarity"]!["passage_bm25"]!;
        Assert.Equal(("BM25", 0.9, 0.3), ((string?)similarity["type"], (double?)similarity["k1"], (double?)similarity["b"]));

        var mappings = created["mappings"]!;
        Assert.Equal("strict", (string?)mappings["dynamic"]);
        var properties = mappings["properties"]!;
        foreach (var (field, analyzer) in new[] { ("text_en", "english"), ("title_en", "english"), ("text_zh", "cjk"), ("title_zh", "cjk") })
        {
            Assert.Equal(("text", analyzer, "passage_bm25"), ((string?)properties[field]!["type"], (string?)properties[field]!["analyzer"], (string?)properties[field]!["similarity"]));
        }

        foreach (var field in new[] { "doc_id", "passage_id", "lang", "lang_group", "generation" })
        {
            Assert.Equal("keyword", (string?)properties[field]!["type"]);
        }

        Assert.Equal(("keyword", false), ((string?)properties["url"]!["type"], (bool?)properties["url"]!["index"]));
        Assert.Equal(("text", false), ((string?)properties["text"]!["type"], (bool?)properties["text"]!["index"]));
        Assert.Equal(("date", "epoch_millis"), ((string?)properties["updated_at"]!["type"], (string?)properties["updated_at"]!["format"]));
        Assert.Equal(["end", "ordinal", "start"], properties.AsObject().Where(p => (string?)p.Value!["type"] == "integer").Select(p => p.Key).Order());
        var embedding = properties["embedding"]!;
        Assert.Equal(("dense_vector", 384, "cosine"), ((string?)embedding["type"], (int?)embedding["dims"], (string?)embedding["similarity"]));

        var add = Assert.Single(Items(Assert.Single(fake.To("POST", "/_aliases")).Json["actions"]))["add"]!;
        Assert.Equal((Index, Alias), ((string?)add["index"], (string?)add["alias"]));
    }

    [Fact]
    public async Task OpenUsesTheAliasAsItIsWhenItPointsAtTheCurrentIndex()
    {
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_count", r => Reply.Ok(EsJson.Count(r.Body.Contains("ordinal", StringComparison.Ordinal) ? 4 : 9)));
        using var store = Store(fake);

        Assert.Equal(new IndexStats(4, 9), await store.OpenAsync(Cancel));

        Assert.DoesNotContain(fake.Requests, r => r.Method == "PUT" || r.Path is "/_aliases" or "/_reindex");
    }

    [Fact]
    public async Task OpenMovesAnOlderVersionByReindexThenOneAtomicAliasSwap()
    {
        var fake = FakeElasticsearch.Healthy()
            .On("GET", $"/_alias/{Alias}", Reply.Ok(EsJson.AliasOf("search-passages-v0", Alias)))
            .On("PUT", $"/{Index}", Reply.Ok(EsJson.IndexCreated(Index)))
            .On("POST", "/_reindex", Reply.Ok(EsJson.Reindex(3)))
            .On("POST", "/_aliases", Reply.Ok(EsJson.Acknowledged()));
        using var store = Store(fake);

        await store.OpenAsync(Cancel);

        var order = fake.Requests.Select(r => $"{r.Method} {r.Path}").ToList();
        Assert.True(order.IndexOf($"PUT /{Index}") < order.IndexOf("POST /_reindex") && order.IndexOf("POST /_reindex") < order.IndexOf("POST /_aliases"), string.Join(", ", order));

        var reindex = Assert.Single(fake.To("POST", "/_reindex"));
        Assert.True(reindex.HasParameter("wait_for_completion", "true") && reindex.HasParameter("refresh", "true"), reindex.Query);
        Assert.Equal("search-passages-v0", Assert.Single(Strings(reindex.Json["source"]!["index"])));
        Assert.Equal(Index, (string?)reindex.Json["dest"]!["index"]);

        // Remove and add in a single _aliases call: the alias is never missing and never points at both.
        var actions = Items(Assert.Single(fake.To("POST", "/_aliases")).Json["actions"]);
        Assert.Equal(2, actions.Count);
        Assert.Equal(("search-passages-v0", Alias), ((string?)actions[0]["remove"]!["index"], (string?)actions[0]["remove"]!["alias"]));
        Assert.Equal((Index, Alias), ((string?)actions[1]["add"]!["index"], (string?)actions[1]["add"]!["alias"]));
    }

    [Fact]
    public async Task OpenRefusesAnAliasThatPointsAtANewerSchema()
    {
        var fake = FakeElasticsearch.Healthy().On("GET", $"/_alias/{Alias}", Reply.Ok(EsJson.AliasOf("search-passages-v3", Alias)));
        using var store = Store(fake);

        var error = await Assert.ThrowsAsync<PassageStoreException>(() => store.OpenAsync(Cancel));

        Assert.False(error.Retryable);
        Assert.Contains("search-passages-v3", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.Requests, r => r.Method is "PUT" or "POST" && r.Path is "/_reindex" or "/_aliases" or "/search-passages-v2");
    }

    [Fact]
    public async Task OpenWaitsWhileTheClusterIsUnavailable()
    {
        var calls = 0;
        var fake = FakeElasticsearch.Healthy().On("GET", "/_cluster/health", _ => Interlocked.Increment(ref calls) <= 2
            ? new Reply(503, EsJson.Error(503, "master_not_discovered_exception", "no master"))
            : Reply.Ok(EsJson.Health("yellow")));
        using var store = Store(fake, o => o.Elasticsearch.StartupTimeoutSeconds = 30);

        await store.OpenAsync(Cancel);

        Assert.Equal(3, fake.To("GET", "/_cluster/health").Count);
    }

    [Fact]
    public async Task OpenGivesUpAfterTheStartupTimeoutNamingTheSetting()
    {
        var fake = FakeElasticsearch.Healthy().On("GET", "/_cluster/health", Reply.Refused);
        using var store = Store(fake, o => o.Elasticsearch.StartupTimeoutSeconds = 0.5);

        var error = await Assert.ThrowsAsync<PassageStoreException>(() => store.OpenAsync(Cancel));

        Assert.True(error.Retryable);
        Assert.Contains("Retrieval:Elasticsearch:StartupTimeoutSeconds", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
        Assert.True(fake.To("GET", "/_cluster/health").Count >= 2);
    }

    [Fact]
    public async Task HealthFollowsTheClusterStatus()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake);
        Assert.True((await store.CheckHealthAsync(Cancel)).Healthy);

        fake.On("GET", "/_cluster/health", Reply.Ok(EsJson.Health("red")));
        var (healthy, reason) = await store.CheckHealthAsync(Cancel);
        Assert.False(healthy);
        Assert.Contains("red", reason, StringComparison.Ordinal);

        fake.On("GET", "/_cluster/health", new Reply(503, EsJson.Error(503, "master_not_discovered_exception", "no master")));
        Assert.False((await store.CheckHealthAsync(Cancel)).Healthy);
    }
}
