using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Text;

namespace Search.Retrieval.Tests;

/// <summary>Highlights read from the offsets stored at ingest, and from analysing passages indexed before those were kept.</summary>
public sealed class HighlightTests : IDisposable
{
    private static readonly IngestDocument[] Documents =
    [
        new("en", "The keeper's lighthouses were running; Running keepers ran. Lighthouse-keeping (1876) wasn't easy.", "Keepers", Lang: "en"),
        new("hans", "国家图书馆的开放时间是上午九点。图书馆周一闭馆，国家法定假日照常开放。", "图书馆", Lang: "zh-Hans"),
        new("hant", "國家圖書館的開放時間是上午九點。圖書館週一閉館。", "圖書館", Lang: "zh-Hant"),
        new("mixed", "The 2024 release of Search 3.1 adds 繁體 support and fixes the 搜索 bug in HTML <b>tags</b>.", "Release notes", Lang: "en"),
    ];

    private static readonly string[] Queries =
        ["lighthouse keepers running", "国家图书馆开放时间", "圖書館閉館", "search release 搜索 繁体", "html b tags", "wasn't 1876"];

    private readonly TempIndex _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void StoredOffsetsMarkTheSameWordsAsAnalysingThePassageAgain()
    {
        _temp.Index.Upsert(Documents);
        using var directory = FSDirectory.Open(_temp.Directory);
        using var reader = DirectoryReader.Open(directory);

        var compared = 0;
        foreach (var query in Queries)
        {
            var terms = QueryBuilder.Terms(query);
            for (var doc = 0; doc < reader.MaxDoc; doc++)
            {
                var text = reader.Document(doc).Get(IndexFields.Text, System.Globalization.CultureInfo.InvariantCulture);
                var stored = PassageHighlighter.FromTermVector(reader, doc, IndexFields.Text, terms);

                Assert.NotNull(stored);
                Assert.Equal(PassageHighlighter.Highlight(text, terms.ToHashSet(StringComparer.Ordinal)), stored);
                compared += stored.Count;
            }
        }

        // Not a vacuous comparison: the queries mark words in every script.
        Assert.True(compared >= 12, $"only {compared} spans were compared");
    }

    [Fact]
    public void ASearchMarksTheQueryWordsFromTheStoredOffsets()
    {
        _temp.Index.Upsert(Documents);

        var hit = Assert.Single(_temp.Index.Search("國家圖書館 開放", TextLanguage.TraditionalChinese).Hits, h => h.Passage.DocumentId == "hans");

        Assert.Equal(["国家图书馆", "开放", "图书馆", "国家", "开放"], hit.Highlights.Select(h => h.Of(hit.Passage.Text)));
    }

    [Fact]
    public void PassagesIndexedWithoutTermVectorsAreStillMarked()
    {
        // An index written before term vectors were kept: the text field is analysed and stored, nothing more.
        var text = "Penicillin was discovered by Alexander Fleming in 1928.";
        using (var directory = FSDirectory.Open(_temp.Directory))
        {
            _temp.Index.Dispose();
            // Lucene's default codec, as indexes were written before the passage codec.
            using var writer = new IndexWriter(directory, new IndexWriterConfig(SearchAnalyzer.Version, new SearchAnalyzer()) { Codec = new Lucene.Net.Codecs.Lucene46.Lucene46Codec() });
            var old = IndexFields.ToLucene(new Passage("pen#0", "pen", 0, "", "", text, TextLanguage.English, 0, text.Length, 1));
            old.RemoveField(IndexFields.Text);
            old.Add(new TextField(IndexFields.Text, text, Field.Store.YES));
            writer.AddDocument(old);
            writer.Commit();
        }

        var index = _temp.Reopen();
        using (var directory = FSDirectory.Open(_temp.Directory))
        using (var reader = DirectoryReader.Open(directory))
        {
            Assert.Null(PassageHighlighter.FromTermVector(reader, 0, IndexFields.Text, ["penicillin"]));
        }

        var hit = Assert.Single(index.Search("who discovered penicillin").Hits);
        Assert.Equal(["Penicillin", "discovered"], hit.Highlights.Select(h => h.Of(text)));

        // New passages land beside the old segment in the passage codec, and both stay searchable after a merge.
        index.Upsert([new IngestDocument("mould", "Fleming noticed the mould had killed the bacteria.", Lang: "en")]);
        using (var directory = FSDirectory.Open(_temp.Directory))
        {
            var codecs = SegmentInfos(directory).Select(s => s.Info.Codec.Name).ToHashSet();
            Assert.Equal(["Lucene46", "SearchPassages1"], codecs.Order());
        }

        index = _temp.Reopen();
        Assert.Equal(["mould", "pen"], index.Search("fleming").Hits.Select(h => h.Passage.DocumentId).Order());
    }

    private static SegmentInfos SegmentInfos(Lucene.Net.Store.Directory directory)
    {
        var infos = new SegmentInfos();
        infos.Read(directory);
        return infos;
    }
}
