using Search.Retrieval.Elasticsearch;
using Search.Retrieval.Searching;
using Search.Text;
using static Search.Retrieval.Tests.Elasticsearch.EsContract;

namespace Search.Retrieval.Tests.Elasticsearch;

/// <summary>Searches against the wire format: the query JSON the store sends and how it reads hits and highlights.</summary>
public sealed class ElasticsearchSearchContractTests
{
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

        Assert.Same(SearchResult.Empty, result);
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

        var result = await store.SearchAsync("alpha", detail: HitDetail.Unmarked, cancellationToken: Cancel);

        Assert.Null(Assert.Single(fake.To("POST", $"/{Alias}/_search")).Json["highlight"]);
        Assert.Empty(Assert.Single(result.Hits).Highlights);
    }

    [Fact]
    public async Task IdsOnlySearchAsksForTheRankingFieldsAlone()
    {
        // Elasticsearch answers a _source_includes request with those fields only.
        var ranking = new Dictionary<string, object> { ["doc_id"] = "a", ["passage_id"] = "a#2", ["ordinal"] = 2, ["lang"] = "en" };
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_search", Reply.Ok(EsJson.Search(1, EsJson.Hit(1.5, ranking))));
        using var store = Store(fake);

        var result = await store.SearchAsync("alpha", detail: HitDetail.IdsOnly, similarity: false, cancellationToken: Cancel);
        await store.SearchAsync("alpha", detail: HitDetail.IdsOnly, similarity: true, cancellationToken: Cancel);

        var requests = fake.To("POST", $"/{Alias}/_search").ToList();
        Assert.Equal(2, requests.Count);
        Assert.True(requests[0].HasParameter("_source_includes", "doc_id%2Cpassage_id%2Cordinal%2Clang") || requests[0].HasParameter("_source_includes", "doc_id,passage_id,ordinal,lang"), requests[0].Query);
        Assert.True(requests[1].HasParameter("_source_includes", "doc_id%2Cpassage_id%2Cordinal%2Clang%2Cembedding") || requests[1].HasParameter("_source_includes", "doc_id,passage_id,ordinal,lang,embedding"), requests[1].Query);
        Assert.All(requests, request =>
        {
            Assert.DoesNotContain("_source_excludes", request.Query, StringComparison.Ordinal);
            Assert.Null(request.Json["highlight"]);
        });
        var hit = Assert.Single(result.Hits);
        Assert.Equal(("a#2", "a", 2, TextLanguage.English, 1.5), (hit.Passage.PassageId, hit.Passage.DocumentId, hit.Passage.Ordinal, hit.Passage.Language, hit.Score));
        Assert.Equal(("", "", ""), (hit.Passage.Text, hit.Passage.Title, hit.Passage.Url));
        Assert.Empty(hit.Highlights);
    }

    [Fact]
    public void HighlightTagsMergeWhenTheyTouchAndAreRefusedWhenTheTextDiffers()
    {
        Assert.Equal([new TextRange(0, 4), new TextRange(5, 7)], PassageQuery.ParseHighlight("\uE000电机\uE001\uE000发展\uE001的\uE000历史\uE001", "电机发展的历史"));
        Assert.Equal([new TextRange(4, 9)], PassageQuery.ParseHighlight("The \uE000storm\uE001.", "The storm."));
        Assert.Empty(PassageQuery.ParseHighlight("No tags at all.", "No tags at all.")!);
        Assert.Null(PassageQuery.ParseHighlight("The \uE000storm\uE001.", "A different text."));
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
}
