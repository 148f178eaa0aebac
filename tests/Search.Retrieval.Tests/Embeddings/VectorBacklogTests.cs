using Search.Retrieval.Embeddings;
using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Tests.Embeddings;

/// <summary>
/// The Lucene index with the real model: English passages are searchable at once, marked pending, and get their
/// vector from the backlog the index itself keeps (here worked off by calling the backfill's round directly).
/// </summary>
public sealed class VectorBacklogTests : IDisposable
{
    private readonly string _directory = TempFolder.Create();
    private readonly RetrievalOptions _options;
    private PassageIndex _index;

    public VectorBacklogTests()
    {
        // Small rounds, so a restart can fall between two of them.
        _options = new RetrievalOptions { DataDirectory = _directory, Embeddings = { BackfillPassages = 2 } };
        _index = Open();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void TheIndexMergesDownToTheSegmentsAskedForAndKeepsEveryPassage()
    {
        // Each upsert commits on its own, and each backfill round writes again: several segments.
        _index.Upsert([new IngestDocument("fleming", "Alexander Fleming discovered penicillin in 1928.", Lang: "en")]);
        _index.Upsert([new IngestDocument("nile", "The Nile is the longest river in Africa.", Lang: "en")]);
        _index.Upsert([new IngestDocument("water", "水在一个标准大气压下的沸点是一百摄氏度。", Lang: "zh-Hans")]);
        while (_index.EmbedPending(cancellationToken: Cancel).Taken > 0)
        {
        }

        var before = _index.SegmentCount();
        Assert.True(before > 1, $"{before} segment(s)");

        Assert.Equal(before, _index.MergeSegments(1));

        Assert.Equal(1, _index.SegmentCount());
        Assert.Equal(new IndexStats(3, 3, 0), _index.GetStats());
        Assert.NotNull(Assert.Single(_index.Search("penicillin", TextLanguage.English).Hits).Similarity);
        Assert.Single(_index.Search("水的沸点", TextLanguage.SimplifiedChinese).Hits);
        Assert.Equal(1, _index.MergeSegments(1)); // nothing to do
    }

    [Fact]
    public void APassageIsSearchableAtOnceAndGetsItsVectorFromTheBacklog()
    {
        _index.Upsert([new IngestDocument("fleming", "Alexander Fleming discovered penicillin in 1928.", "Penicillin", Lang: "en")]);

        var before = Assert.Single(_index.Search("Who discovered penicillin?", TextLanguage.English).Hits);
        Assert.True(before.Passage.VectorPending);
        Assert.Null(before.Passage.Embedding);
        Assert.Null(before.Similarity);
        Assert.Equal(new IndexStats(1, 1, 1), _index.GetStats());

        Assert.Equal(new PassageIndex.VectorRound(1, 1), _index.EmbedPending(cancellationToken: Cancel));

        var after = Assert.Single(_index.Search("Who discovered penicillin?", TextLanguage.English).Hits);
        Assert.False(after.Passage.VectorPending);
        Assert.Equal(SharedEmbedder.Embedder.EmbedPassages([before.Passage], Cancel)[0], after.Passage.Embedding);
        Assert.InRange(after.Similarity!.Value, 0.3, 1.0);
        Assert.Equal(before.Passage with { VectorPending = false, Embedding = after.Passage.Embedding }, after.Passage);
        Assert.Equal(new IndexStats(1, 1, 0), _index.GetStats());
        Assert.Equal(new PassageIndex.VectorRound(0, 0), _index.EmbedPending(cancellationToken: Cancel));
    }

    [Fact]
    public void ChinesePassagesNeverEnterTheBacklog()
    {
        _index.Upsert([new IngestDocument("water", "水在一个标准大气压下的沸点是一百摄氏度。", "水", Lang: "zh-Hans")]);

        Assert.Equal(0, _index.PendingVectors());
        Assert.False(Assert.Single(_index.Search("水的沸点", TextLanguage.SimplifiedChinese).Hits).Passage.VectorPending);
        Assert.Equal(new PassageIndex.VectorRound(0, 0), _index.EmbedPending(cancellationToken: Cancel));
    }

    [Fact]
    public void TheBacklogSurvivesARestartAndCompletes()
    {
        _index.Upsert(
        [
            new IngestDocument("a", "Mercury is the smallest planet.", Lang: "en"),
            new IngestDocument("b", "Venus is the hottest planet.", Lang: "en"),
            new IngestDocument("c", "Mars is the red planet.", Lang: "en"),
            new IngestDocument("d", "Jupiter is the largest planet.", Lang: "en"),
            new IngestDocument("e", "Saturn has the brightest rings.", Lang: "en"),
        ]);
        Assert.Equal(new PassageIndex.VectorRound(2, 2), _index.EmbedPending(cancellationToken: Cancel));

        _index.Dispose();
        _index = Open();

        Assert.Equal(3, _index.PendingVectors());
        while (_index.EmbedPending(cancellationToken: Cancel).Taken > 0)
        {
        }

        Assert.Equal(0, _index.PendingVectors());
        var hits = _index.Search("planet rings", TextLanguage.English, topK: 10).Hits;
        Assert.Equal(5, hits.Count);
        Assert.All(hits, h => Assert.NotNull(h.Similarity));
    }

    [Fact]
    public void AReplacementDuringEmbeddingDoesNotGetTheStaleVector()
    {
        _index.Upsert([new IngestDocument("moon", "The Moon orbits the Earth every 27 days.", "Moon", Lang: "en")]);
        var taken = _index.PendingPassages(10);
        var staleVectors = SharedEmbedder.Embedder.EmbedPassages(taken, Cancel);

        // The document changes while its old text is being embedded.
        _index.Upsert([new IngestDocument("moon", "Tides on Earth are caused mostly by the Moon's gravity.", "Moon", Lang: "en")]);
        Assert.Equal(0, _index.WriteVectors(taken, staleVectors));

        var replaced = Assert.Single(_index.Search("moon tides gravity", TextLanguage.English).Hits);
        Assert.True(replaced.Passage.VectorPending);
        Assert.Null(replaced.Passage.Embedding);

        Assert.Equal(new PassageIndex.VectorRound(1, 1), _index.EmbedPending(cancellationToken: Cancel));
        var embedded = Assert.Single(_index.Search("moon tides gravity", TextLanguage.English).Hits).Passage;
        Assert.Equal(SharedEmbedder.Embedder.EmbedPassages([replaced.Passage], Cancel)[0], embedded.Embedding);
        Assert.NotEqual(staleVectors[0], embedded.Embedding);
    }

    [Fact]
    public void AResendOfTheSameTextDuringEmbeddingKeepsItsNewMetadataAndGetsTheVector()
    {
        _index.Upsert([new IngestDocument("moon", "The Moon orbits the Earth.", "Moon", Url: "https://old.example/moon", Lang: "en")]);
        var taken = _index.PendingPassages(10);
        var vectors = SharedEmbedder.Embedder.EmbedPassages(taken, Cancel);

        _index.Upsert([new IngestDocument("moon", "The Moon orbits the Earth.", "Moon", Url: "https://new.example/moon", Lang: "en")]);
        Assert.Equal(1, _index.WriteVectors(taken, vectors));

        var hit = Assert.Single(_index.Search("moon orbits", TextLanguage.English).Hits).Passage;
        Assert.Equal("https://new.example/moon", hit.Url);
        Assert.Equal(vectors[0], hit.Embedding);
        Assert.Equal(0, _index.PendingVectors());
    }

    [Fact]
    public void ADeleteDuringEmbeddingIsNotUndoneByTheVector()
    {
        _index.Upsert([new IngestDocument("pluto", "Pluto is a dwarf planet.", Lang: "en")]);
        var taken = _index.PendingPassages(10);
        var vectors = SharedEmbedder.Embedder.EmbedPassages(taken, Cancel);

        Assert.Equal(1, _index.Delete(["pluto"]));
        Assert.Equal(0, _index.WriteVectors(taken, vectors));

        Assert.Empty(_index.Search("pluto dwarf planet").Hits);
        Assert.Equal(new IndexStats(0, 0, 0), _index.GetStats());
    }

    [Fact]
    public void AnIndexWithEmbeddingsOffHasNoBacklog()
    {
        using var folder = new TempIndex();

        folder.Index.Upsert([new IngestDocument("fleming", "Alexander Fleming discovered penicillin in 1928.", Lang: "en")]);

        Assert.False(Assert.Single(folder.Index.Search("penicillin").Hits).Passage.VectorPending);
        Assert.Equal(new PassageIndex.VectorRound(0, 0), folder.Index.EmbedPending(cancellationToken: Cancel));
        Assert.Equal(0, folder.Index.PendingVectors());
    }

    public void Dispose()
    {
        _index.Dispose();
        TempFolder.Delete(_directory);
    }

    private PassageIndex Open() => new(_options, embedder: SharedEmbedder.Embedder);
}
