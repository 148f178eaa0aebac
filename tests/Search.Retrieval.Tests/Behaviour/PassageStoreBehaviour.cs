using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Retrieval.Storage;
using Search.Text;

namespace Search.Retrieval.Tests.Behaviour;

/// <summary>
/// What every passage store promises, whichever engine is behind it: each backend runs these same tests
/// through <see cref="IPassageStore"/> alone, each test on a fresh, empty store.
/// </summary>
public abstract class PassageStoreBehaviour : IAsyncDisposable
{
    private readonly List<IPassageStore> _stores = [];

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A new, empty store with the default options plus <paramref name="configure"/>; may skip the test.</summary>
    protected abstract Task<IPassageStore> CreateStoreAsync(Action<RetrievalOptions> configure);

    public virtual ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            (store as IDisposable)?.Dispose();
        }

        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task IngestedDocumentIsFoundWithItsMetadataAndOffsets()
    {
        var store = await OpenAsync();
        var text = "Penicillin was discovered by Alexander Fleming in 1928. It changed medicine.";

        var result = await store.UpsertAsync([new IngestDocument("pen", text, "Penicillin", "https://example.org/pen", "en", 1_700_000_000_000)], cancellationToken: Cancel);

        Assert.Equal((1, 1, 0), (result.Accepted, result.Passages, result.Rejected.Count));
        var hit = Assert.Single((await store.SearchAsync("who discovered penicillin", cancellationToken: Cancel)).Hits);
        var passage = hit.Passage;
        Assert.Equal(("pen#0", "pen", 0), (passage.PassageId, passage.DocumentId, passage.Ordinal));
        Assert.Equal(("Penicillin", "https://example.org/pen", TextLanguage.English), (passage.Title, passage.Url, passage.Language));
        Assert.Equal(text[passage.StartOffset..passage.EndOffset], passage.Text);
        Assert.Equal(1_700_000_000_000, passage.UpdatedAtUnixMs);
        Assert.True(hit.Score > 0);
        Assert.Equal(new IndexStats(1, 1), await store.GetStatsAsync(Cancel));
    }

    [Fact]
    public async Task HighlightsPointAtTheQueryWordsInThePassageText()
    {
        var store = await OpenAsync();
        await store.UpsertAsync(
        [
            new IngestDocument("pen", "Penicillin was discovered by Alexander Fleming in 1928.", Lang: "en"),
            new IngestDocument("econ", "這個學問與經濟無關。", Lang: "zh-Hant"),
        ], cancellationToken: Cancel);

        var english = Assert.Single((await store.SearchAsync("who discovered penicillin", TextLanguage.English, cancellationToken: Cancel)).Hits);
        var chinese = Assert.Single((await store.SearchAsync("学问", TextLanguage.SimplifiedChinese, cancellationToken: Cancel)).Hits);

        // Only the words that matched are marked ("who" is not in the text); script folding marks the Traditional 學問 for 学问.
        Assert.Equal(["Penicillin", "discovered"], english.Highlights.Select(h => h.Of(english.Passage.Text)));
        Assert.Equal(["學問"], chinese.Highlights.Select(h => h.Of(chinese.Passage.Text)));
        var unmarked = Assert.Single((await store.SearchAsync("penicillin", detail: HitDetail.Unmarked, cancellationToken: Cancel)).Hits);
        Assert.Empty(unmarked.Highlights);
        Assert.Equal(english.Passage.Text, unmarked.Passage.Text);
    }

    [Fact]
    public async Task IdsOnlyRanksTheSameAndReturnsNoText()
    {
        var store = await OpenAsync();
        await store.UpsertAsync(
        [
            new IngestDocument("pen", "Penicillin was discovered by Alexander Fleming in 1928.", "Penicillin", "https://example.org/p", "en"),
            new IngestDocument("fleming", "Alexander Fleming was a Scottish physician. He discovered penicillin.", "Fleming", "https://example.org/f", "en"),
            new IngestDocument("xuewen", "學問之道無他，求其放心而已矣。", "孟子", "https://example.org/x", "zh-Hant"),
        ], cancellationToken: Cancel);

        var full = (await store.SearchAsync("who discovered penicillin", TextLanguage.English, cancellationToken: Cancel)).Hits;
        var ids = (await store.SearchAsync("who discovered penicillin", TextLanguage.English, detail: HitDetail.IdsOnly, cancellationToken: Cancel)).Hits;

        Assert.Equal(2, full.Count);
        Assert.Equal(full.Select(h => (h.Passage.PassageId, h.Passage.DocumentId, h.Passage.Ordinal, h.Passage.Language, h.Score)),
            ids.Select(h => (h.Passage.PassageId, h.Passage.DocumentId, h.Passage.Ordinal, h.Passage.Language, h.Score)));
        Assert.All(ids, hit =>
        {
            Assert.Equal("", hit.Passage.Text);
            Assert.Equal("", hit.Passage.Title);
            Assert.Equal("", hit.Passage.Url);
            Assert.Empty(hit.Highlights);
        });
        var chinese = Assert.Single((await store.SearchAsync("学问", detail: HitDetail.IdsOnly, cancellationToken: Cancel)).Hits);
        Assert.Equal(("xuewen", TextLanguage.TraditionalChinese), (chinese.Passage.DocumentId, chinese.Passage.Language));
    }

    [Fact]
    public async Task DeletedDocumentLosesEveryPassageAndIsNeverReturned()
    {
        var store = await OpenAsync(o => o.PassageWords = 20);
        var text = string.Join(" ", Enumerable.Range(0, 30).Select(i => $"Glaciers carve valleys, note {i} of a long survey."));
        var ingested = await store.UpsertAsync([new IngestDocument("ice", text), new IngestDocument("sand", "Deserts hold dunes and glaciers hold none.")], cancellationToken: Cancel);
        Assert.True(ingested.Passages > 3);

        Assert.Equal(1, await store.DeleteAsync(["ice", "missing", "ice"], Cancel));
        Assert.Equal(0, await store.DeleteAsync(["ice"], Cancel));

        var result = await store.SearchAsync("glaciers valleys survey", topK: 50, cancellationToken: Cancel);
        Assert.Equal(["sand"], Ids(result));
        Assert.Equal(new IndexStats(1, 1), await store.GetStatsAsync(Cancel));
    }

    [Fact]
    public async Task LanguageFilterKeepsEnglishApartAndChineseScriptsTogether()
    {
        var store = await OpenAsync();
        await store.UpsertAsync(
        [
            new IngestDocument("en", "Python is a programming language.", Lang: "en"),
            new IngestDocument("hans", "Python 是一种编程语言。", Lang: "zh-Hans"),
            new IngestDocument("hant", "Python 是一種程式語言。", Lang: "zh-Hant"),
        ], cancellationToken: Cancel);

        Assert.Equal(["en"], Ids(await store.SearchAsync("python", TextLanguage.English, cancellationToken: Cancel)));
        Assert.Equal(["hans", "hant"], Ids(await store.SearchAsync("python", TextLanguage.SimplifiedChinese, cancellationToken: Cancel)).Order());
        Assert.Equal(["hans", "hant"], Ids(await store.SearchAsync("python", TextLanguage.TraditionalChinese, cancellationToken: Cancel)).Order());
        Assert.Equal(["en", "hans", "hant"], Ids(await store.SearchAsync("python", cancellationToken: Cancel)).Order());
    }

    [Fact]
    public async Task TraditionalQueryFindsSimplifiedTextAndSimplifiedQueryFindsTraditionalText()
    {
        var store = await OpenAsync();
        await store.UpsertAsync(
        [
            new IngestDocument("hans", "电机的发展对这个国家很重要。", Lang: "zh-Hans"),
            new IngestDocument("hant", "這個學問與經濟無關。", Lang: "zh-Hant"),
            new IngestDocument("other", "今天天气很好，我们去公园散步。", Lang: "zh-Hans"),
        ], cancellationToken: Cancel);

        Assert.Equal(["hans"], Ids(await store.SearchAsync("電機發展", TextLanguage.TraditionalChinese, cancellationToken: Cancel)));
        Assert.Equal(["hant"], Ids(await store.SearchAsync("学问", TextLanguage.SimplifiedChinese, cancellationToken: Cancel)));
    }

    [Fact]
    public async Task Bm25RanksRareTermsRepeatedTermsAndShortPassagesFirst()
    {
        var store = await OpenAsync();
        await store.UpsertAsync(
        [
            new IngestDocument("rare", "The mould grew on the plate in the laboratory."),
            new IngestDocument("common-1", "The bacteria grew on the plate in the laboratory."),
            new IngestDocument("common-2", "Bacteria and more bacteria covered the plate in the laboratory."),
            new IngestDocument("common-long", "Bacteria were noted once in a very long report about the history, staff, budget, buildings, weather and many other unrelated matters of the laboratory."),
            new IngestDocument("none", "Stars shine at night over the quiet town."),
        ], cancellationToken: Cancel);

        var result = await store.SearchAsync("bacteria mould", cancellationToken: Cancel);

        Assert.Equal(4, result.TotalHits);
        // mould is in one passage, bacteria in three: the rarer term outweighs; then more occurrences; then the shorter text.
        Assert.Equal(["rare", "common-2", "common-1", "common-long"], Ids(result));
        Assert.True(result.Hits.Zip(result.Hits.Skip(1)).All(p => p.First.Score > p.Second.Score));
    }

    [Fact]
    public async Task ReingestingWithFewerPassagesLeavesNoOrphans()
    {
        var store = await OpenAsync(o => o.PassageWords = 20);
        var old = string.Join(" ", Enumerable.Range(0, 30).Select(i => $"The zeppelin number {i} flew over the old harbour at dawn."));
        Assert.True((await store.UpsertAsync([new IngestDocument("doc", old)], cancellationToken: Cancel)).Passages > 3);

        var again = await store.UpsertAsync([new IngestDocument("doc", "A short replacement about submarines.")], cancellationToken: Cancel);

        Assert.Equal((1, 1), (again.Accepted, again.Passages));
        Assert.Empty((await store.SearchAsync("zeppelin harbour", cancellationToken: Cancel)).Hits);
        Assert.Equal("doc#0", Assert.Single((await store.SearchAsync("submarines", cancellationToken: Cancel)).Hits).Passage.PassageId);
        Assert.Equal(new IndexStats(1, 1), await store.GetStatsAsync(Cancel));
    }

    [Fact]
    public async Task BadDocumentsAreRejectedOneByOneWhileTheRestOfTheBatchLands()
    {
        var store = await OpenAsync();

        var result = await store.UpsertAsync(
        [
            new IngestDocument("ok-1", "Mount Everest is the highest mountain."),
            new IngestDocument("", "No id here."),
            new IngestDocument("no-text", ""),
            new IngestDocument("bad-lang", "Some text.", Lang: "klingon"),
            new IngestDocument("ok-2", "The Nile is a long river."),
        ], firstIndex: 100, cancellationToken: Cancel);

        Assert.Equal((2, 2), (result.Accepted, result.Passages));
        Assert.Equal([101, 102, 103], result.Rejected.Select(r => r.Index));
        Assert.Equal(["", "no-text", "bad-lang"], result.Rejected.Select(r => r.DocumentId));
        Assert.All(result.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.Equal(["ok-1"], Ids(await store.SearchAsync("everest", cancellationToken: Cancel)));
        Assert.Equal(["ok-2"], Ids(await store.SearchAsync("nile river", cancellationToken: Cancel)));
        Assert.Equal(new IndexStats(2, 2), await store.GetStatsAsync(Cancel));
    }

    [Theory]
    [InlineData("title:(a OR b)* AND \"", false)]
    [InlineData("rivers~2 AND title:*", true)]
    [InlineData("\"rivers\" \\\" \\", true)]
    [InlineData("<script>alert('rivers')</script>", true)]
    [InlineData("+rivers -(\" [ { ^ ! : ? / && || }", true)]
    [InlineData("*", false)]
    [InlineData("\\", false)]
    public async Task HostileQueryTextIsJustText(string query, bool mentionsRivers)
    {
        var store = await OpenAsync();
        await store.UpsertAsync(
        [
            new IngestDocument("doc", "Rivers flow to the sea. The title of this script is rivers."),
            new IngestDocument("other", "Mountains rise above the plain."),
        ], cancellationToken: Cancel);

        var result = await store.SearchAsync(query, cancellationToken: Cancel);

        Assert.All(result.Hits, h => Assert.Equal("doc", h.Passage.DocumentId));
        if (mentionsRivers)
        {
            Assert.Equal(["doc"], Ids(result));
        }
    }

    [Fact]
    public async Task ConcurrentUpsertsOfOneIdKeepTheNewestVersion()
    {
        var store = await OpenAsync();
        var versions = Enumerable.Range(1, 24).Select(v => 1_700_000_000_000L + v).ToArray();
        new Random(4).Shuffle(versions);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = versions.Select(version => Task.Run(async () =>
        {
            await start.Task;
            return await store.UpsertAsync([new IngestDocument("ledger", $"Ledger version marker{version} of the lighthouse.", UpdatedAtUnixMs: version)], cancellationToken: Cancel);
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(writes);

        var hit = Assert.Single((await store.SearchAsync("ledger lighthouse", cancellationToken: Cancel)).Hits);
        Assert.Equal(versions.Max(), hit.Passage.UpdatedAtUnixMs);
        Assert.Contains($"marker{versions.Max()}", hit.Passage.Text, StringComparison.Ordinal);

        // An older version afterwards changes nothing.
        var stale = await store.UpsertAsync([new IngestDocument("ledger", "Ledger from the giraffe era.", UpdatedAtUnixMs: 1)], cancellationToken: Cancel);
        Assert.Equal((1, 0), (stale.Accepted, stale.Passages));
        Assert.Empty((await store.SearchAsync("giraffe", cancellationToken: Cancel)).Hits);
    }

    private async Task<IPassageStore> OpenAsync(Action<RetrievalOptions>? configure = null)
    {
        var store = await CreateStoreAsync(configure ?? (_ => { }));
        _stores.Add(store);
        Assert.Equal(new IndexStats(0, 0), await store.OpenAsync(Cancel));
        return store;
    }

    private static string[] Ids(SearchResult result) => result.Hits.Select(h => h.Passage.DocumentId).ToArray();
}
