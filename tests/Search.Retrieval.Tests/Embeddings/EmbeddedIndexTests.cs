using Search.Retrieval.Embeddings;
using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Tests.Embeddings;

/// <summary>
/// The Lucene index with the real model: vectors stored with English passages (once the backlog is worked off), similarity
/// returned with hits; here with sentence vectors on (<see cref="EmbeddingOptions.Sentences"/>).
/// </summary>
public sealed class EmbeddedIndexTests : IDisposable
{
    private readonly string _directory = TempFolder.Create();
    private readonly RetrievalOptions _options;
    private PassageIndex _index;

    public EmbeddedIndexTests()
    {
        _options = new RetrievalOptions { DataDirectory = _directory, Embeddings = new EmbeddingOptions { Sentences = true } };
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
    public void EnglishHitsCarryEachSentencesSimilarityToTheQuery()
    {
        const string text = "The Alder Street library reopened on 3 May after the roof repairs. Its café now serves soup and sandwiches.";
        _index.Upsert([new IngestDocument("alder", text, "Alder Street library", Lang: "en")]);
        EmbedBacklog();

        var hit = Assert.Single(_index.Search("When did the library open its doors again?", TextLanguage.English).Hits);

        var sentences = hit.Sentences!;
        Assert.Equal(SentenceSplitter.Split(text), sentences.Select(s => s.Range));
        Assert.All(sentences, s => Assert.InRange(s.Similarity, -1.0, 1.0));
        // The question shares no word but "library" with the first sentence, and its meaning with it alone.
        Assert.True(sentences[0].Similarity > sentences[1].Similarity + 0.1, $"{sentences[0].Similarity:0.000} against {sentences[1].Similarity:0.000}");
    }

    [Fact]
    public void PassagesEmbeddedBeforeSentenceVectorsGetThemFromTheBacklog()
    {
        _index.Dispose();
        var without = new RetrievalOptions { DataDirectory = _directory, Embeddings = new EmbeddingOptions { Sentences = false } };
        using (var embedder = new PassageEmbedder(without.Embeddings))
        using (var old = new PassageIndex(without, embedder: embedder))
        {
            old.Upsert([new IngestDocument("fleming", "Alexander Fleming discovered penicillin in 1928. It was the first antibiotic.", Lang: "en")]);
            while (old.EmbedPending(cancellationToken: TestContext.Current.CancellationToken).Taken > 0)
            {
            }

            var before = Assert.Single(old.Search("penicillin", TextLanguage.English).Hits);
            Assert.NotNull(before.Passage.Embedding);
            Assert.Null(before.Sentences);
            Assert.Equal(0, old.PendingVectors());
        }

        _index = Open();
        Assert.Equal(1, _index.PendingVectors());
        EmbedBacklog();

        var after = Assert.Single(_index.Search("penicillin", TextLanguage.English).Hits);
        Assert.Equal(2, after.Sentences!.Count);
        Assert.Equal(0, _index.PendingVectors());
    }

    [Fact]
    public void StoredSentenceVectorsReadBackAsTheyWereWritten()
    {
        var ranges = new[] { new TextRange(0, 10), new TextRange(11, 30) };
        var vectors = new[] { Unit(1), Unit(2) };
        var stored = SentenceVectors.Quantize(ranges, vectors);

        var bytes = stored.ToBytes();
        var read = SentenceVectors.FromBytes([0xFF, .. bytes], 1, bytes.Length);

        Assert.Equal(ranges, read.Ranges);
        var similarities = read.Similarities(vectors[0]);
        Assert.InRange(similarities[0], 0.99, 1.01);
        var exact = vectors[0].Zip(vectors[1], (a, b) => (double)a * b).Sum();
        Assert.InRange(similarities[1], exact - 0.02, exact + 0.02);
        Assert.Throws<InvalidDataException>(() => SentenceVectors.FromBytes(bytes, 0, bytes.Length - 1));
        Assert.Throws<InvalidDataException>(() => SentenceVectors.FromBytes([2, .. bytes[1..]], 0, bytes.Length));

        static float[] Unit(int seed)
        {
            var random = new Random(seed);
            var vector = Enumerable.Range(0, PassageEmbedder.Dimensions).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            var length = MathF.Sqrt(vector.Sum(x => x * x));
            return vector.Select(x => x / length).ToArray();
        }
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
        Assert.Null(hit.Sentences);
        Assert.Equal(0, _index.PendingVectors());
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

    private PassageIndex Open() => new(_options, embedder: SharedEmbedder.WithSentences);

    private void EmbedBacklog()
    {
        while (_index.EmbedPending(cancellationToken: TestContext.Current.CancellationToken).Taken > 0)
        {
        }
    }
}
