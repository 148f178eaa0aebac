using Search.Retrieval.Elasticsearch;
using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;
using static Search.Retrieval.Tests.Elasticsearch.EsContract;

namespace Search.Retrieval.Tests.Elasticsearch;

/// <summary>Upserts and deletes against the wire format: the _bulk and _delete_by_query requests, and the per-item answers.</summary>
public sealed class ElasticsearchWriteContractTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpsertSendsOneNdjsonBulkThatWaitsForRefreshThenRemovesEarlierGenerations()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake, o => o.PassageWords = 10);
        var longText = string.Join(" ", Enumerable.Range(0, 12).Select(i => $"Sentence {i} tells of the lighthouse keeper."));

        var result = await store.UpsertAsync(
            [new IngestDocument("keeper", longText, "Keeper", "https://example.org/k", "en", 1_700_000_000_000), new IngestDocument("short", "Short note.")],
            cancellationToken: Cancel);

        var bulk = Assert.Single(fake.To("POST", $"/{Alias}/_bulk"));
        Assert.True(bulk.HasParameter("refresh", "wait_for"), bulk.Query);
        Assert.True(bulk.HasParameter("require_alias", "true"), bulk.Query);
        Assert.EndsWith("\n", bulk.Body, StringComparison.Ordinal);
        var lines = bulk.Lines;
        Assert.Equal(2 * result.Passages, lines.Count);
        Assert.Equal((2, 0), (result.Accepted, result.Rejected.Count));
        Assert.True(result.Passages > 2);

        var generation = (string?)lines[1]["generation"];
        Assert.False(string.IsNullOrEmpty(generation));
        for (var i = 0; i < lines.Count; i += 2)
        {
            var source = lines[i + 1];
            Assert.Equal($"{(string?)source["passage_id"]}@{generation}", (string?)lines[i]["index"]!["_id"]);
            Assert.Equal(generation, (string?)source["generation"]);
            var text = (string?)source["text"];
            Assert.Equal(text, (string?)source["text_en"]);
            Assert.Null(source["text_zh"]);
            if ((string?)source["doc_id"] == "keeper")
            {
                Assert.Equal(longText[(int)source["start"]!..(int)source["end"]!], text);
                Assert.Equal(("Keeper", "https://example.org/k", "en", "en", 1_700_000_000_000L), ((string?)source["title"], (string?)source["url"], (string?)source["lang"], (string?)source["lang_group"], (long?)source["updated_at"]));
            }
        }

        Assert.Equal(["keeper#0", "keeper#1", "keeper#2"], lines.Where((_, i) => i % 2 == 1).Select(l => (string?)l["passage_id"]).Take(3));

        // Then one delete-by-query: every passage of these documents that the new batch did not write.
        var delete = Assert.Single(fake.To("POST", $"/{Alias}/_delete_by_query"));
        Assert.True(delete.HasParameter("refresh", "true") && delete.HasParameter("conflicts", "proceed"), delete.Query);
        var stale = Assert.Single(Items(delete.Json["query"]!["bool"]!["should"]))["bool"]!;
        Assert.Equal(["keeper", "short"], Strings(Assert.Single(Items(stale["filter"]))["terms"]!["doc_id"]));
        Assert.Equal(generation, (string?)Assert.Single(Items(stale["must_not"]))["term"]!["generation"]!["value"]);
        Assert.True(fake.Requests.ToList().FindIndex(r => r.Path.EndsWith("_bulk", StringComparison.Ordinal)) < fake.Requests.ToList().FindIndex(r => r.Path.EndsWith("_delete_by_query", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AVersionOlderThanTheStoredOneIsNotWrittenAndTheCheckReadsOnlyIdsAndVersions()
    {
        // The cluster holds "keeper" at version 2000 (twice: a generation whose clean-up failed, at 1500).
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_search", Reply.Ok(EsJson.Search(
            2,
            EsJson.Hit(0, new Dictionary<string, object> { ["doc_id"] = "keeper", ["updated_at"] = 2_000L }),
            EsJson.Hit(0, new Dictionary<string, object> { ["doc_id"] = "keeper", ["updated_at"] = 1_500L }))));
        using var store = Store(fake);

        var result = await store.UpsertAsync(
            [
                new IngestDocument("keeper", "An older keeper version.", UpdatedAtUnixMs: 1_000),
                new IngestDocument("fresh", "A new document.", UpdatedAtUnixMs: 1_000),
            ],
            cancellationToken: Cancel);

        // Accepted (both were valid), but only the document without a newer stored version is written.
        Assert.Equal((2, 1, 0), (result.Accepted, result.Passages, result.Rejected.Count));
        var check = Assert.Single(fake.To("POST", $"/{Alias}/_search")).Json;
        var filters = Items(check["query"]!["bool"]!["filter"]);
        Assert.Equal(["keeper", "fresh"], Strings(filters[0]["terms"]!["doc_id"]));
        Assert.Equal(0, (int?)filters[1]["term"]!["ordinal"]!["value"]);
        Assert.Equal(["doc_id", "updated_at"], Strings(check["_source"]!["includes"]));
        Assert.Equal(4, (int?)check["size"]);
        var written = Assert.Single(fake.To("POST", $"/{Alias}/_bulk")).Lines.Where((_, i) => i % 2 == 1).Select(l => (string?)l["doc_id"]).Distinct();
        Assert.Equal(["fresh"], written);
        Assert.True(fake.Requests.ToList().FindIndex(r => r.Path.EndsWith("_search", StringComparison.Ordinal)) < fake.Requests.ToList().FindIndex(r => r.Path.EndsWith("_bulk", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OnlyStaleVersionsMeanNoBulkAtAll()
    {
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_search", Reply.Ok(EsJson.Search(
            1, EsJson.Hit(0, new Dictionary<string, object> { ["doc_id"] = "keeper", ["updated_at"] = 2_000L }))));
        using var store = Store(fake);

        var result = await store.UpsertAsync([new IngestDocument("keeper", "An older keeper version.", UpdatedAtUnixMs: 1_999)], cancellationToken: Cancel);

        Assert.Equal((1, 0), (result.Accepted, result.Passages));
        Assert.Empty(fake.To("POST", $"/{Alias}/_bulk"));
        Assert.Empty(fake.To("POST", $"/{Alias}/_delete_by_query"));
    }

    [Fact]
    public async Task EnglishPassagesAreSentWithTheirVectorAndChineseOnesWithout()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = new ElasticsearchPassageStore(
            new RetrievalOptions
            {
                Backend = RetrievalBackend.Elasticsearch,
                Elasticsearch = new ElasticsearchOptions { Urls = ["http://es.test:9200"], NumberOfReplicas = 0 },
            },
            requestInvoker: fake,
            embedder: Embeddings.SharedEmbedder.Embedder);

        await store.UpsertAsync(
            [new IngestDocument("en", "Alexander Fleming discovered penicillin.", Lang: "en"), new IngestDocument("zh", "水的沸点是一百摄氏度。", Lang: "zh-Hans")],
            cancellationToken: Cancel);

        var sources = Assert.Single(fake.To("POST", $"/{Alias}/_bulk")).Lines.Where((_, i) => i % 2 == 1).ToDictionary(l => (string)l["doc_id"]!);
        var vector = Items(sources["en"]["embedding"]).Select(v => (double)v!).ToList();
        Assert.Equal(384, vector.Count);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => v * v)), 3);
        Assert.Null(sources["zh"]["embedding"]);
    }

    [Fact]
    public async Task PassagesAreSentWithoutAVectorWhenEmbeddingsAreOff()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake);

        await store.UpsertAsync([new IngestDocument("en", "Alexander Fleming discovered penicillin.", Lang: "en")], cancellationToken: Cancel);

        Assert.Null(Assert.Single(fake.To("POST", $"/{Alias}/_bulk")).Lines[1]["embedding"]);
    }

    [Fact]
    public async Task ChinesePassagesKeepTheirTextAndAreSearchableFoldedToSimplified()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake);

        await store.UpsertAsync([new IngestDocument("hant", "這個學問與經濟無關。", "經濟學", Lang: "zh-Hant")], cancellationToken: Cancel);

        var source = Assert.Single(fake.To("POST", $"/{Alias}/_bulk")).Lines[1];
        Assert.Equal(("這個學問與經濟無關。", "这个学问与经济无关。"), ((string?)source["text"], (string?)source["text_zh"]));
        Assert.Equal(("經濟學", "经济学"), ((string?)source["title"], (string?)source["title_zh"]));
        Assert.Equal(("zh-Hant", "zh"), ((string?)source["lang"], (string?)source["lang_group"]));
        Assert.Null(source["text_en"]);
    }

    [Fact]
    public async Task ADocumentTheClusterRefusesIsRejectedAloneWithItsIndexAndReason()
    {
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_bulk", request => Reply.Ok(EsJson.BulkCreated(request, source =>
            (string?)source["doc_id"] == "bad" ? (400, "document_parsing_exception", "[1:42] failed to parse field [title_en] of type [text]") : null)));
        using var store = Store(fake);

        var result = await store.UpsertAsync(
        [
            new IngestDocument("good-1", "Mount Everest is the highest mountain."),
            new IngestDocument("", "No id here."),
            new IngestDocument("bad", "The cluster will refuse this one."),
            new IngestDocument("good-2", "The Nile is a long river."),
        ], firstIndex: 10, cancellationToken: Cancel);

        Assert.Equal((2, 2), (result.Accepted, result.Passages));
        Assert.Equal([10 + 1, 10 + 2], result.Rejected.Select(r => r.Index));
        var refused = result.Rejected[1];
        Assert.Equal("bad", refused.DocumentId);
        Assert.Contains("document_parsing_exception", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("failed to parse field [title_en]", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("400", refused.Reason, StringComparison.Ordinal);

        // The good documents lose their older passages; the refused one loses only what this batch wrote of it.
        var generation = (string?)Assert.Single(fake.To("POST", $"/{Alias}/_bulk")).Lines[1]["generation"];
        var clauses = Items(Assert.Single(fake.To("POST", $"/{Alias}/_delete_by_query")).Json["query"]!["bool"]!["should"]).Select(c => c["bool"]!).ToList();
        Assert.Equal(2, clauses.Count);
        Assert.Equal(["good-1", "good-2"], Strings(Assert.Single(Items(clauses[0]["filter"]))["terms"]!["doc_id"]));
        Assert.Equal(generation, (string?)Assert.Single(Items(clauses[0]["must_not"]))["term"]!["generation"]!["value"]);
        var failed = Items(clauses[1]["filter"]);
        Assert.Equal(["bad"], Strings(failed[0]["terms"]!["doc_id"]));
        Assert.Equal(generation, (string?)failed[1]["term"]!["generation"]!["value"]);
    }

    [Fact]
    public async Task ClusterBackPressureOnAnItemFailsTheBatchAsRetryableAndRemovesWhatItWrote()
    {
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_bulk", request => Reply.Ok(EsJson.BulkCreated(request, source =>
            (string?)source["doc_id"] == "b" ? (429, "es_rejected_execution_exception", "rejected execution of coordinating operation") : null)));
        using var store = Store(fake);

        var error = await Assert.ThrowsAsync<PassageStoreException>(() =>
            store.UpsertAsync([new IngestDocument("a", "Alpha text."), new IngestDocument("b", "Beta text.")], cancellationToken: Cancel));

        Assert.True(error.Retryable);
        Assert.Contains("es_rejected_execution_exception", error.Message, StringComparison.Ordinal);
        var generation = (string?)Assert.Single(fake.To("POST", $"/{Alias}/_bulk")).Lines[1]["generation"];
        var cleanUp = Assert.Single(fake.To("POST", $"/{Alias}/_delete_by_query")).Json["query"]!;
        Assert.Equal(generation, (string?)cleanUp["term"]!["generation"]!["value"]);
    }

    [Fact]
    public async Task DeleteCountsTheStoredDocumentsThenDeletesEveryPassageOfThem()
    {
        var fake = FakeElasticsearch.Healthy()
            .On("POST", $"/{Alias}/_count", Reply.Ok(EsJson.Count(1)))
            .On("POST", $"/{Alias}/_delete_by_query", Reply.Ok(EsJson.DeleteByQuery(7)));
        using var store = Store(fake);

        Assert.Equal(1, await store.DeleteAsync(["ice", "missing", "ice", ""], Cancel));

        var count = Items(Assert.Single(fake.To("POST", $"/{Alias}/_count")).Json["query"]!["bool"]!["filter"]);
        Assert.Equal(["ice", "missing"], Strings(count[0]["terms"]!["doc_id"]));
        Assert.Equal(0, (int?)count[1]["term"]!["ordinal"]!["value"]);
        var delete = Assert.Single(fake.To("POST", $"/{Alias}/_delete_by_query"));
        Assert.True(delete.HasParameter("refresh", "true"), delete.Query);
        Assert.Equal(["ice", "missing"], Strings(delete.Json["query"]!["terms"]!["doc_id"]));
    }

    [Fact]
    public async Task DeleteOfIdsThatDoNotExistDeletesNothing()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake);

        Assert.Equal(0, await store.DeleteAsync(["missing"], Cancel));
        Assert.Equal(0, await store.DeleteAsync(["", ""], Cancel));

        Assert.Single(fake.To("POST", $"/{Alias}/_count"));
        Assert.Empty(fake.To("POST", $"/{Alias}/_delete_by_query"));
    }
}
