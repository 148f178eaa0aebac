using Lucene.Net.Index;
using Lucene.Net.Store;
using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Text;

namespace Search.Retrieval.Tests;

public sealed class PassageIndexTests : IDisposable
{
    private readonly TempIndex _temp = new();

    private PassageIndex Index => _temp.Index;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void UpsertedDocumentIsFoundWithItsMetadataAndOffsets()
    {
        var text = "Penicillin was discovered by Alexander Fleming in 1928. It changed medicine.";
        var result = Index.Upsert([new IngestDocument("pen", text, "Penicillin", "https://example.org/pen", "en", 1_700_000_000_000)]);
        Assert.Equal((1, 1, 0), (result.Accepted, result.Passages, result.Rejected.Count));

        var hit = Assert.Single(Index.Search("who discovered penicillin").Hits);
        var passage = hit.Passage;
        Assert.Equal(("pen#0", "pen", 0), (passage.PassageId, passage.DocumentId, passage.Ordinal));
        Assert.Equal(("Penicillin", "https://example.org/pen", TextLanguage.English), (passage.Title, passage.Url, passage.Language));
        Assert.Equal(text[passage.StartOffset..passage.EndOffset], passage.Text);
        Assert.Equal(1_700_000_000_000, passage.UpdatedAtUnixMs);
        Assert.True(hit.Score > 0);
        Assert.Equal(["Penicillin", "discovered"], hit.Highlights.Select(h => h.Of(passage.Text)));
    }

    [Fact]
    public void LongDocumentBecomesSeveralPassagesThatRoundTrip()
    {
        var text = string.Join(" ", Enumerable.Range(0, 120).Select(i => $"Paragraph sentence {i} mentions the lighthouse keeper and the storm."));
        var result = Index.Upsert([new IngestDocument("long", text)]);
        Assert.True(result.Passages > 3);

        var hits = Index.Search("lighthouse keeper", topK: 50).Hits;
        Assert.Equal(result.Passages, hits.Count);
        Assert.All(hits, h => Assert.Equal(text[h.Passage.StartOffset..h.Passage.EndOffset], h.Passage.Text));
        Assert.Equal(Enumerable.Range(0, result.Passages), hits.Select(h => h.Passage.Ordinal).Order());
    }

    [Fact]
    public void UpsertReplacesEveryPassageOfTheDocument()
    {
        var old = string.Join(" ", Enumerable.Range(0, 40).Select(i => $"The zeppelin number {i} flew over the old harbour at dawn."));
        Assert.True(Index.Upsert([new IngestDocument("doc", old)]).Passages > 2);

        Index.Upsert([new IngestDocument("doc", "A short replacement about submarines.")]);

        Assert.Empty(Index.Search("zeppelin harbour").Hits);
        Assert.Single(Index.Search("submarines").Hits);
        Assert.Equal(new IndexStats(1, 1), Index.GetStats());
    }

    [Fact]
    public void BatchWithBadItemsStoresTheRest()
    {
        var result = Index.Upsert(
        [
            new IngestDocument("ok-1", "Mount Everest is the highest mountain."),
            new IngestDocument("", "No id here."),
            new IngestDocument("no-text", ""),
            new IngestDocument("bad-lang", "Some text.", Lang: "klingon"),
            new IngestDocument("ok-2", "The Nile is a long river."),
        ]);

        Assert.Equal(2, result.Accepted);
        Assert.Equal([1, 2, 3], result.Rejected.Select(r => r.Index));
        Assert.Equal(["", "no-text", "bad-lang"], result.Rejected.Select(r => r.DocumentId));
        Assert.Equal(2, Index.GetStats().Documents);
    }

    [Fact]
    public void DuplicateIdsInOneBatchKeepTheLast()
    {
        var result = Index.Upsert([new IngestDocument("dup", "Version one mentions violins."), new IngestDocument("dup", "Version two mentions trumpets.")]);

        Assert.Equal((2, 1), (result.Accepted, result.Passages));
        Assert.Empty(Index.Search("violins").Hits);
        Assert.Single(Index.Search("trumpets").Hits);
    }

    [Fact]
    public void DeleteRemovesEveryPassageAndCountsIdsThatExisted()
    {
        var text = string.Join(" ", Enumerable.Range(0, 40).Select(i => $"Glaciers carve valleys, note {i} of a long survey."));
        Index.Upsert([new IngestDocument("ice", text), new IngestDocument("sand", "Deserts hold dunes.")]);

        Assert.Equal(1, Index.Delete(["ice", "missing", "ice"]));
        Assert.Equal(0, Index.Delete(["ice"]));

        Assert.Empty(Index.Search("glaciers").Hits);
        Assert.Equal(new IndexStats(1, 1), Index.GetStats());
    }

    [Fact]
    public void LanguageFilterKeepsEnglishApartAndChineseScriptsTogether()
    {
        Index.Upsert(
        [
            new IngestDocument("en", "Python is a programming language.", Lang: "en"),
            new IngestDocument("hans", "Python 是一种编程语言。", Lang: "zh-Hans"),
            new IngestDocument("hant", "Python 是一種程式語言。", Lang: "zh-Hant"),
        ]);

        Assert.Equal(["en"], Ids(Index.Search("python", TextLanguage.English)));
        Assert.Equal(["hans", "hant"], Ids(Index.Search("python", TextLanguage.SimplifiedChinese)).Order());
        Assert.Equal(["hans", "hant"], Ids(Index.Search("python", TextLanguage.TraditionalChinese)).Order());
        Assert.Equal(["en", "hans", "hant"], Ids(Index.Search("python")).Order());
    }

    [Fact]
    public void TraditionalQueryFindsSimplifiedDocumentAndViceVersa()
    {
        Index.Upsert(
        [
            new IngestDocument("hans", "电机的发展对这个国家很重要。"),
            new IngestDocument("hant", "這個學問與經濟無關。"),
            new IngestDocument("other", "今天天气很好，我们去公园散步。"),
        ]);

        Assert.Equal(["hans"], Ids(Index.Search("電機發展", TextLanguage.TraditionalChinese)));
        Assert.Equal(["hant"], Ids(Index.Search("学问", TextLanguage.SimplifiedChinese)));
    }

    [Fact]
    public void Bm25PrefersRareTermsRepeatedTermsAndShortPassages()
    {
        Index.Upsert(
        [
            new IngestDocument("rare", "The mould grew on the plate in the laboratory."),
            new IngestDocument("common-1", "The bacteria grew on the plate in the laboratory."),
            new IngestDocument("common-2", "Bacteria and more bacteria covered the plate in the laboratory."),
            new IngestDocument("common-long", "Bacteria were noted once in a very long report about the history, staff, budget, buildings, weather and many other unrelated matters of the laboratory."),
            new IngestDocument("none", "Stars shine at night over the quiet town."),
        ]);

        var result = Index.Search("bacteria mould");

        Assert.Equal(4, result.TotalHits);
        Assert.Equal(["rare", "common-2", "common-1", "common-long"], Ids(result));
        Assert.True(result.Hits.Zip(result.Hits.Skip(1)).All(p => p.First.Score > p.Second.Score));
    }

    [Fact]
    public void QueryOfOnlyStopWordsFindsNothing()
    {
        Index.Upsert([new IngestDocument("doc", "What is the thing that was there?")]);
        Assert.Equal(0, Index.Search("what is the").TotalHits);
    }

    [Theory]
    [InlineData("title:(a OR b) AND \"")]
    [InlineData("*")]
    [InlineData("~")]
    [InlineData("\\")]
    [InlineData("rivers~2 AND title:*")]
    [InlineData("<script>alert('rivers')</script>")]
    [InlineData("+rivers -(\" [ { ^ ! : ? / &&")]
    [InlineData("\u0000\u0001rivers\u200B")]
    public void HostileQueriesAreJustText(string query)
    {
        Index.Upsert([new IngestDocument("doc", "Rivers flow to the sea. The title of this script is rivers.")]);
        var result = Index.Search(query);
        Assert.True(result.Hits.Count <= 1);
        Assert.All(result.Hits, h => Assert.Equal("doc", h.Passage.DocumentId));
    }

    [Fact]
    public void QueryWithThousandsOfTermsIsCapped()
    {
        Index.Upsert([new IngestDocument("doc", "word1 appears here.")]);
        var query = string.Join(" ", Enumerable.Range(0, 5000).Select(i => $"word{i}"));
        Assert.Single(Index.Search(query).Hits);
    }

    [Fact]
    public void DataSurvivesClosingAndReopeningTheIndex()
    {
        Index.Upsert([new IngestDocument("kept", "Volcanoes erupt molten rock.", "Volcano")]);

        var reopened = _temp.Reopen();

        Assert.Equal(new IndexStats(1, 1), reopened.GetStats());
        Assert.Equal(["kept"], Ids(reopened.Search("volcano")));
    }

    [Fact]
    public void AcknowledgedUpsertIsAlreadyCommittedOnDisk()
    {
        Index.Upsert([new IngestDocument("durable", "Granite is an igneous rock.")]);

        // A separate reader sees only commit points, which is what a killed process leaves behind.
        using var directory = FSDirectory.Open(_temp.Directory);
        using var reader = DirectoryReader.Open(directory);
        Assert.Equal(1, reader.NumDocs);
    }

    [Fact]
    public async Task ConcurrentUpsertsAndSearchesAllLand()
    {
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                Index.Upsert([new IngestDocument($"w{w}-{i}", $"Writer {w} wrote note {i} about comets.")]);
            }
        }));
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                Index.Search("comets", topK: 5);
                Index.GetStats();
            }
        }));

        await Task.WhenAll(writers.Concat(readers));

        Assert.Equal(new IndexStats(40, 40), Index.GetStats());
        Assert.Equal(40, Index.Search("comets").TotalHits);
    }

    [Fact]
    public async Task AcknowledgedStreamIsAlreadyCommittedOnDisk()
    {
        using var temp = new TempIndex(o => o.StreamBatchSize = 4);

        await temp.Index.UpsertStreamAsync(Documents(), TestContext.Current.CancellationToken);

        using var directory = FSDirectory.Open(temp.Directory);
        using var reader = DirectoryReader.Open(directory);
        Assert.Equal(10, reader.NumDocs);

        static async IAsyncEnumerable<IngestDocument> Documents()
        {
            for (var i = 0; i < 10; i++)
            {
                await Task.Yield();
                yield return new IngestDocument($"d{i}", $"Durable streamed document {i}.");
            }
        }
    }

    [Fact]
    public async Task ConcurrentStreamsWithTheSameIdsLeaveOneVersionOfEach()
    {
        var streams = Enumerable.Range(0, 3).Select(s => Index.UpsertStreamAsync(Documents(s), TestContext.Current.CancellationToken));

        await Task.WhenAll(streams);

        Assert.Equal(new IndexStats(20, 20), Index.GetStats());
        Assert.Equal(20, Index.Search("glacier", topK: 50).Hits.Select(h => h.Passage.DocumentId).Distinct().Count());

        static async IAsyncEnumerable<IngestDocument> Documents(int stream)
        {
            for (var i = 0; i < 20; i++)
            {
                await Task.Yield();
                yield return new IngestDocument($"g{i}", $"Glacier note {i} from stream {stream}.");
            }
        }
    }

    [Fact]
    public async Task StreamIsCommittedInBatchesWithStreamIndexes()
    {
        using var temp = new TempIndex(o => o.StreamBatchSize = 3);
        var result = await temp.Index.UpsertStreamAsync(Documents(), TestContext.Current.CancellationToken);

        Assert.Equal(7, result.Accepted);
        Assert.Equal([4], result.Rejected.Select(r => r.Index));
        Assert.Equal(7, temp.Index.GetStats().Documents);

        static async IAsyncEnumerable<IngestDocument> Documents()
        {
            for (var i = 0; i < 8; i++)
            {
                await Task.Yield();
                yield return new IngestDocument($"s{i}", i == 4 ? "" : $"Streamed document {i}.");
            }
        }
    }

    private static string[] Ids(SearchResult result) =>
        result.Hits.Select(h => h.Passage.DocumentId).ToArray();
}
