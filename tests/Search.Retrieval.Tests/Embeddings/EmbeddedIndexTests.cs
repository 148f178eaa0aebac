using Search.Retrieval.Embeddings;
using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Tests.Embeddings;

/// <summary>The Lucene index with the real model: vectors stored with English passages (once the backlog is worked off), similarity returned with hits.</summary>
public sealed class EmbeddedIndexTests : IDisposable
{
    private readonly string _directory = TempFolder.Create();
    private readonly RetrievalOptions _options;
    private PassageIndex _index;

    public EmbeddedIndexTests()
    {
        _options = new RetrievalOptions { DataDirectory = _directory };
        _index = Open();
    }

    [Fact]
    public void EnglishHitsCarryTheirSimilarityToTheQuery()
    {
        _index.Upsert(
        [
            new IngestDocument("fleming", "Alexander Fleming discovered penicillin, the first antibiotic, in 1928.", "Penicillin", Lang: "en"),
            new IngestDocument("market", "The penicillin market grew as prices for the antibiotic fell sharply.", "Markets", Lang: "en"),
        ]);
        EmbedBacklog();

        var hits = _index.Search("Who discovered penicillin?", TextLanguage.English).Hits;

        Assert.Equal(2, hits.Count);
        Assert.All(hits, h => Assert.InRange(h.Similarity!.Value, -1.0, 1.0));
        var fleming = hits.Single(h => h.Passage.DocumentId == "fleming").Similarity!.Value;
        var market = hits.Single(h => h.Passage.DocumentId == "market").Similarity!.Value;
        Assert.True(fleming > market, $"fleming {fleming:0.000}, market {market:0.000}");
    }

    [Fact]
    public void VectorsSurviveAReopenOfTheIndex()
    {
        _index.Upsert([new IngestDocument("fleming", "Alexander Fleming discovered penicillin in 1928.", Lang: "en")]);
        EmbedBacklog();
        var before = Assert.Single(_index.Search("penicillin", TextLanguage.English).Hits);

        _index.Dispose();
        _index = Open();
        var after = Assert.Single(_index.Search("penicillin", TextLanguage.English).Hits);

        Assert.Equal(PassageEmbedder.Dimensions, after.Passage.Embedding!.Length);
        Assert.Equal(before.Passage.Embedding, after.Passage.Embedding);
        Assert.Equal(before.Similarity, after.Similarity);
    }

    [Fact]
    public void ChinesePassagesHaveNoVectorAndTheirHitsNoSimilarity()
    {
        _index.Upsert([new IngestDocument("water", "水在一个标准大气压下的沸点是一百摄氏度。", "水", Lang: "zh-Hans")]);

        var hit = Assert.Single(_index.Search("水的沸点", TextLanguage.SimplifiedChinese).Hits);

        Assert.Null(hit.Passage.Embedding);
        Assert.Null(hit.Similarity);
    }

    [Fact]
    public void IngestAndSearchWorkWithEmbeddingsOff()
    {
        using var folder = new TempIndex();

        folder.Index.Upsert([new IngestDocument("fleming", "Alexander Fleming discovered penicillin in 1928.", Lang: "en")]);
        var hit = Assert.Single(folder.Index.Search("penicillin", TextLanguage.English).Hits);

        Assert.Null(hit.Passage.Embedding);
        Assert.Null(hit.Similarity);
    }

    public void Dispose()
    {
        _index.Dispose();
        TempFolder.Delete(_directory);
    }

    private PassageIndex Open() => new(_options, embedder: SharedEmbedder.Embedder);

    private void EmbedBacklog()
    {
        while (_index.EmbedPending(cancellationToken: TestContext.Current.CancellationToken).Taken > 0)
        {
        }
    }
}
