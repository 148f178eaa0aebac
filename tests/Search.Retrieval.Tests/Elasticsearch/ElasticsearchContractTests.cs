extern alias retrieval;

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using retrieval::Search.Retrieval;
using retrieval::Search.Retrieval.Elasticsearch;
using retrieval::Search.Retrieval.Indexing;
using retrieval::Search.Retrieval.Storage;
using Search.Text;

namespace Search.Retrieval.Tests.Elasticsearch;

/// <summary>
/// The Elasticsearch backend against the wire format: the JSON it sends for each operation, and how it reads
/// the JSON a cluster answers, including partial failures and errors. No cluster needed.
/// </summary>
public sealed class ElasticsearchContractTests
{
    private const string Alias = "search-passages";
    private const string Index = "search-passages-v2";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnglishSearchSendsMultiMatchOverTextAndTitleWithTheLanguageFilterAndHighlight()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake);

        await store.SearchAsync("Who discovered penicillin?", TextLanguage.English, topK: 5, cancellationToken: Cancel);

        var request = Assert.Single(fake.To("POST", $"/{Alias}/_search"));
        var body = request.Json;
        var query = body["query"]!["bool"]!;
        var match = Assert.Single(Items(query["must"]))["multi_match"]!;
        Assert.Equal("most_fields", (string?)match["type"]);
        Assert.Equal(["text_en^1", "title_en^0.5"], Strings(match["fields"]));
        // The words as typed, less stop words ("who") and punctuation.
        Assert.Equal("discovered penicillin", (string?)match["query"]);
        var filter = Assert.Single(Items(query["filter"]));
        Assert.Equal("en", (string?)filter["term"]!["lang_group"]!["value"]);
        Assert.Equal(5, (int?)body["size"]);
        Assert.True((bool?)body["track_total_hits"]);
        var highlight = body["highlight"]!;
        Assert.Equal(["\uE000"], Strings(highlight["pre_tags"]));
        Assert.Equal(["\uE001"], Strings(highlight["post_tags"]));
        Assert.Equal(0, (int?)highlight["number_of_fragments"]);
        // With several fields the client sends the array form, [{"text_en":{}},{"text_zh":{}}], which Elasticsearch reads in order.
        Assert.Equal(["text_en", "text_zh"], Keys(highlight["fields"]).Order());
        Assert.True(request.HasParameter("_source_excludes", "text_en%2Ctitle_en%2Ctext_zh%2Ctitle_zh") || request.HasParameter("_source_excludes", "text_en,title_en,text_zh,title_zh"), request.Query);
        Assert.DoesNotContain("query_string", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraditionalChineseSearchFoldsTheQueryAndSearchesTheChineseFields()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake);

        await store.SearchAsync("電機發展", TextLanguage.TraditionalChinese, cancellationToken: Cancel);

        var query = Assert.Single(fake.To("POST", $"/{Alias}/_search")).Json["query"]!["bool"]!;
        var match = Assert.Single(Items(query["must"]))["multi_match"]!;
        // The query keeps its words as bigrams and is folded to Simplified, as the stored Chinese copies are.
        Assert.Equal("电机 机发 发展", (string?)match["query"]);
        Assert.Equal(["text_zh^1", "title_zh^0.5"], Strings(match["fields"]));
        Assert.Equal("zh", (string?)Assert.Single(Items(query["filter"]))["term"]!["lang_group"]!["value"]);
    }

    [Fact]
    public async Task UnknownLanguageSearchesBothLanguageGroupsWithTheConfiguredWeights()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake, o =>
        {
            o.TitleBoost = 0;
            o.Elasticsearch.TextWeight = 2.5;
        });

        await store.SearchAsync("rivers 河流", cancellationToken: Cancel);

        var query = Assert.Single(fake.To("POST", $"/{Alias}/_search")).Json["query"]!["bool"]!;
        Assert.Null(query["filter"]);
        Assert.Equal(1, (int?)query["minimum_should_match"]);
        var matches = Items(query["should"]).Select(q => q["multi_match"]!).ToList();
        Assert.Equal(2, matches.Count);
        // A title boost of 0 leaves the title out altogether.
        Assert.Equal(["text_en^2.5"], Strings(matches[0]["fields"]));
        Assert.Equal(["text_zh^2.5"], Strings(matches[1]["fields"]));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(3, 3)]
    [InlineData(10_000, 200)]
    public async Task SizeIsTopKWithTheDefaultAndTheCap(int topK, int size)
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake);

        await store.SearchAsync("volcano", topK: topK, cancellationToken: Cancel);

        Assert.Equal(size, (int?)Assert.Single(fake.To("POST", $"/{Alias}/_search")).Json["size"]);
    }

    [Fact]
    public async Task HostileQueryTextReachesOnlyMultiMatchAsWords()
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake);

        await store.SearchAsync("title:(rivers OR seas)* \"quoted\\\" <b>bold</b>", cancellationToken: Cancel);

        var request = Assert.Single(fake.To("POST", $"/{Alias}/_search"));
        Assert.DoesNotContain("query_string", request.Body, StringComparison.Ordinal);
        var match = Items(request.Json["query"]!["bool"]!["should"]).First()["multi_match"]!;
        // Only the words remain, each once, in their original spelling.
        Assert.Equal("title rivers seas quoted b bold", (string?)match["query"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("?!* ~ ()")]
    [InlineData("what is the")]
    public async Task QueryWithoutSearchableWordsReturnsNothingWithoutACall(string query)
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake);

        var result = await store.SearchAsync(query, cancellationToken: Cancel);

        Assert.Same(retrieval::Search.Retrieval.Searching.SearchResult.Empty, result);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task HitsBecomePassagesAndHighlightTagsBecomeOffsetsIntoTheOriginalText()
    {
        const string english = "Penicillin was discovered by Alexander Fleming in 1928.";
        const string traditional = "這個學問與經濟無關。";
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_search", Reply.Ok(EsJson.Search(
            42,
            EsJson.Hit(3.5, Source("pen", 0, english, "en", "Penicillin", start: 0), "text_en", "\uE000Penicillin\uE001 was \uE000discovered\uE001 by Alexander Fleming in 1928."),
            // The Chinese field holds the Simplified fold of the text, so the tagged fragment is Simplified too.
            EsJson.Hit(2.25, Source("econ", 3, traditional, "zh-Hant", "經濟", start: 120), "text_zh", "这个\uE000学问\uE001与经济无关。"))));
        using var store = Store(fake);

        var result = await store.SearchAsync("penicillin discovered 学问", cancellationToken: Cancel);

        Assert.Equal(42, result.TotalHits);
        Assert.Equal(2, result.Hits.Count);
        var (pen, econ) = (result.Hits[0], result.Hits[1]);
        Assert.Equal(("pen#0", "pen", 0, "Penicillin", "https://example.org/pen"), (pen.Passage.PassageId, pen.Passage.DocumentId, pen.Passage.Ordinal, pen.Passage.Title, pen.Passage.Url));
        Assert.Equal((TextLanguage.English, 0, english.Length, 1_700_000_000_000L), (pen.Passage.Language, pen.Passage.StartOffset, pen.Passage.EndOffset, pen.Passage.UpdatedAtUnixMs));
        Assert.Equal(3.5, pen.Score);
        Assert.Equal(["Penicillin", "discovered"], pen.Highlights.Select(h => h.Of(pen.Passage.Text)));

        Assert.Equal(("econ#3", TextLanguage.TraditionalChinese, traditional), (econ.Passage.PassageId, econ.Passage.Language, econ.Passage.Text));
        Assert.Equal((120, 120 + traditional.Length), (econ.Passage.StartOffset, econ.Passage.EndOffset));
        Assert.Equal(["學問"], econ.Highlights.Select(h => h.Of(econ.Passage.Text)));
    }

    [Fact]
    public async Task SearchWithoutHighlightAsksForNone()
    {
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_search", Reply.Ok(EsJson.Search(1, EsJson.Hit(1.0, Source("a", 0, "Alpha beta.", "en", "")))));
        using var store = Store(fake);

        var result = await store.SearchAsync("alpha", highlight: false, cancellationToken: Cancel);

        Assert.Null(Assert.Single(fake.To("POST", $"/{Alias}/_search")).Json["highlight"]);
        Assert.Empty(Assert.Single(result.Hits).Highlights);
    }

    [Fact]
    public void HighlightTagsMergeWhenTheyTouchAndAreRefusedWhenTheTextDiffers()
    {
        Assert.Equal([new TextRange(0, 4), new TextRange(5, 7)], PassageQuery.ParseHighlight("\uE000电机\uE001\uE000发展\uE001的\uE000历史\uE001", "电机发展的历史"));
        Assert.Equal([new TextRange(4, 9)], PassageQuery.ParseHighlight("The \uE000storm\uE001.", "The storm."));
        Assert.Empty(PassageQuery.ParseHighlight("No tags at all.", "No tags at all.")!);
        Assert.Null(PassageQuery.ParseHighlight("The \uE000storm\uE001.", "A different text."));
    }

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

    [Theory]
    [InlineData(429, "es_rejected_execution_exception", "rejected execution of coordinating operation", true)]
    [InlineData(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];", true)]
    [InlineData(504, "timeout_exception", "Timed out waiting for a node", true)]
    [InlineData(400, "illegal_argument_exception", "field [text_en] has no analyzer", false)]
    [InlineData(404, "index_not_found_exception", "no such index [search-passages]", false)]
    public async Task ClusterErrorsBecomeStoreErrorsThatSayWhetherToRetry(int status, string type, string reason, bool retryable)
    {
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_search", new Reply(status, EsJson.Error(status, type, reason)));
        using var store = Store(fake);

        var error = await Assert.ThrowsAsync<PassageStoreException>(() => store.SearchAsync("rivers", cancellationToken: Cancel));

        Assert.Equal(retryable, error.Retryable);
        Assert.Contains("Elasticsearch", error.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{type}: {reason}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANodeThatDoesNotAnswerIsARetryableError()
    {
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_count", Reply.Refused);
        using var store = Store(fake);

        var error = await Assert.ThrowsAsync<PassageStoreException>(() => store.GetStatsAsync(Cancel));

        Assert.True(error.Retryable);
        Assert.Contains("Elasticsearch", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
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

    [Theory]
    [InlineData("ApiKey", "ApiKey")]
    [InlineData("Username", "Basic")]
    public async Task RequestsCarryTheConfiguredCredentials(string credential, string scheme)
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake, o =>
        {
            if (credential == "ApiKey")
            {
                o.Elasticsearch.ApiKey = "aWQ6a2V5";
            }
            else
            {
                (o.Elasticsearch.Username, o.Elasticsearch.Password) = ("search", "secret");
            }
        });

        await store.GetStatsAsync(Cancel);

        Assert.All(fake.Requests, r => Assert.Equal(scheme, r.AuthScheme));
    }

    [Fact]
    public void DescriptionNamesTheNodesWithoutCredentials()
    {
        using var store = Store(new FakeElasticsearch(), o => o.Elasticsearch.Urls = ["https://search:s3cret@es-1.internal:9200", "https://es-2.internal:9200"]);

        Assert.Contains("es-1.internal:9200", store.Description, StringComparison.Ordinal);
        Assert.Contains("es-2.internal:9200", store.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", store.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "Retrieval:Elasticsearch:Urls")]
    [InlineData("Retrieval:Elasticsearch:Urls:0", "ftp://es.internal", "Retrieval:Elasticsearch:Urls")]
    [InlineData("Retrieval:Elasticsearch:CertificateFingerprint", "abc", "Retrieval:Elasticsearch:CertificateFingerprint")]
    [InlineData("Retrieval:Elasticsearch:IndexAlias", "Search Passages", "Retrieval:Elasticsearch:IndexAlias")]
    [InlineData("Retrieval:Elasticsearch:NumberOfReplicas", "-1", "Retrieval:Elasticsearch:NumberOfReplicas")]
    [InlineData("Retrieval:Elasticsearch:Password", "", "Retrieval:Elasticsearch:Password")]
    public void BadElasticsearchSettingStopsStartUpNamingTheKey(string? key, string? value, string named)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Retrieval:Backend"] = "Elasticsearch";
        if (key != "Retrieval:Elasticsearch:Urls:0" && key is not null)
        {
            builder.Configuration["Retrieval:Elasticsearch:Urls:0"] = "http://es.internal:9200";
        }

        if (key == "Retrieval:Elasticsearch:Password")
        {
            builder.Configuration["Retrieval:Elasticsearch:Username"] = "search";
        }

        if (key is not null)
        {
            builder.Configuration[key] = value;
        }

        retrieval::Microsoft.Extensions.Hosting.RetrievalExtensions.AddRetrieval(builder);
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<RetrievalOptions>>().Value);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheElasticsearchBackendIsRegisteredWhenConfigured()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Retrieval:Backend"] = "Elasticsearch";
        builder.Configuration["Retrieval:Elasticsearch:Urls:0"] = "http://es.internal:9200";
        retrieval::Microsoft.Extensions.Hosting.RetrievalExtensions.AddRetrieval(builder);
        using var host = builder.Build();

        // Constructing the store calls nothing; the cluster is first asked at start-up (OpenAsync).
        Assert.IsType<ElasticsearchPassageStore>(host.Services.GetRequiredService<IPassageStore>());
    }

    [Fact]
    public void TheStoreRefusesInvalidOptionsNamingTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() => new ElasticsearchPassageStore(new RetrievalOptions { Backend = RetrievalBackend.Elasticsearch }));
        Assert.Contains("Retrieval:Elasticsearch:Urls", error.Message, StringComparison.Ordinal);
    }

    private static ElasticsearchPassageStore Store(FakeElasticsearch fake, Action<RetrievalOptions>? configure = null)
    {
        var options = new RetrievalOptions
        {
            Backend = RetrievalBackend.Elasticsearch,
            Elasticsearch = new ElasticsearchOptions { Urls = ["http://es.test:9200"], NumberOfReplicas = 0 },
        };
        configure?.Invoke(options);
        return new ElasticsearchPassageStore(options, requestInvoker: fake);
    }

    /// <summary>A _source as the store writes it (the analysed copies are excluded from search answers).</summary>
    private static Dictionary<string, object> Source(string documentId, int ordinal, string text, string lang, string title, int start = 0) => new()
    {
        ["doc_id"] = documentId,
        ["passage_id"] = $"{documentId}#{ordinal}",
        ["ordinal"] = ordinal,
        ["title"] = title,
        ["text"] = text,
        ["url"] = $"https://example.org/{documentId}",
        ["lang"] = lang,
        ["lang_group"] = lang.StartsWith("zh", StringComparison.Ordinal) ? "zh" : "en",
        ["start"] = start,
        ["end"] = start + text.Length,
        ["updated_at"] = 1_700_000_000_000L,
        ["generation"] = "0f5e",
    };

    /// <summary>A query clause list: the client writes one clause as an object and several as an array; both are valid.</summary>
    private static List<JsonNode> Items(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(n => n!).ToList(),
        _ => [node],
    };

    private static string?[] Strings(JsonNode? node) => Items(node).Select(n => (string?)n).ToArray();

    /// <summary>Field names of an object, or of an array of one-field objects.</summary>
    private static IEnumerable<string> Keys(JsonNode? node) => node is JsonObject fields
        ? fields.Select(f => f.Key)
        : Items(node).SelectMany(n => n.AsObject().Select(f => f.Key));
}
