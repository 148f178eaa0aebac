using Search.Retrieval.Embeddings;
using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Tests.Embeddings;

/// <summary>The real all-MiniLM-L6-v2 model, loaded once for the whole test run.</summary>
public static class SharedEmbedder
{
    private static readonly Lazy<PassageEmbedder> Instance = new(() => new PassageEmbedder(new EmbeddingOptions()));

    private static readonly Lazy<PassageEmbedder> WithSentenceVectors = new(() => new PassageEmbedder(new EmbeddingOptions { Sentences = true }));

    public static PassageEmbedder Embedder => Instance.Value;

    /// <summary>An embedder that also embeds each sentence (<see cref="EmbeddingOptions.Sentences"/>, off by default).</summary>
    public static PassageEmbedder WithSentences => WithSentenceVectors.Value;
}

public class EmbeddingTests
{
    private static PassageEmbedder Embedder => SharedEmbedder.Embedder;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void QueriesGetUnitVectorsOf384Dimensions()
    {
        var vector = Embedder.EmbedQuery("Who discovered penicillin?", TextLanguage.English, Cancel);

        Assert.NotNull(vector);
        Assert.Equal(PassageEmbedder.Dimensions, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 3);
    }

    [Fact]
    public void SimilarSentencesScoreHigherThanUnrelatedOnes()
    {
        var query = Embedder.EmbedQuery("Who discovered penicillin?", cancellationToken: Cancel);
        var passages = Embedder.EmbedPassages(
        [
            Passage("Alexander Fleming found the antibiotic penicillin in 1928 at St Mary's Hospital in London."),
            Passage("The stock market fell sharply after the central bank raised interest rates."),
        ], Cancel);

        var related = PassageEmbedder.Similarity(query, passages[0]);
        var unrelated = PassageEmbedder.Similarity(query, passages[1]);
        Assert.NotNull(related);
        Assert.NotNull(unrelated);
        Assert.True(related > unrelated + 0.2, $"related {related:0.000}, unrelated {unrelated:0.000}");
    }

    [Fact]
    public void AQueryOnItsOwnSessionGetsThePassagesVectorForTheSameText()
    {
        // Queries and passages run on sessions of their own, with different thread counts (QueryThreads 1, Threads one per
        // core): the same text must still be the same vector, or similarities would drift.
        const string text = "Alexander Fleming found the antibiotic penicillin in 1928.";
        var query = Embedder.EmbedQuery(text, TextLanguage.English, Cancel);
        var passage = Embedder.EmbedPassages([Passage(text)], Cancel)[0];

        Assert.Equal(1.0, PassageEmbedder.Similarity(query, passage)!.Value, 5);
    }

    [Fact]
    public void PassagesEmbeddedSeveralAtOnceGetTheVectorsTheyGetOneByOne()
    {
        // Three one-thread calls at once over nine passages of different lengths, a Chinese one among them: each vector
        // must land at its own passage's place and equal what that passage gets on its own.
        using var parallel = new PassageEmbedder(new EmbeddingOptions { Threads = 3 });
        var passages = Enumerable.Range(1, 8)
            .Select(n => Passage(string.Join(" ", Enumerable.Repeat($"Clause {n} of the ferry timetable changes on day {n * 3}.", n))))
            .Append(Passage("渡轮时刻表从下周一起调整。", TextLanguage.SimplifiedChinese))
            .Reverse()
            .ToList();

        var together = parallel.EmbedPassages(passages, Cancel);

        Assert.Null(together[0]);
        for (var i = 1; i < passages.Count; i++)
        {
            var alone = Embedder.EmbedPassages([passages[i]], Cancel)[0];
            Assert.Equal(1.0, PassageEmbedder.Similarity(together[i], alone)!.Value, 5);
        }
    }

    [Fact]
    public void ACancelledEmbeddingOnSeveralThreadsThrowsRatherThanReturnSomeVectors()
    {
        using var parallel = new PassageEmbedder(new EmbeddingOptions { Threads = 2 });
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => parallel.EmbedPassages(
            Enumerable.Range(0, 6).Select(n => Passage($"Passage number {n}.")).ToList(), cancelled.Token));
    }

    [Fact]
    public void ChineseTextGetsNoVector()
    {
        var vectors = Embedder.EmbedPassages(
        [
            Passage("水在一个标准大气压下的沸点是一百摄氏度。", TextLanguage.SimplifiedChinese),
            Passage("Water boils at one hundred degrees at sea level."),
        ], Cancel);

        Assert.Null(vectors[0]);
        Assert.NotNull(vectors[1]);
        Assert.Null(Embedder.EmbedQuery("水的沸点是多少", cancellationToken: Cancel));
        Assert.Null(Embedder.EmbedQuery("水的沸点是多少", TextLanguage.TraditionalChinese, Cancel));
    }

    [Fact]
    public void ADisabledEmbedderGivesNoVectors()
    {
        var disabled = new PassageEmbedder(new EmbeddingOptions { Enabled = false });

        Assert.False(disabled.IsEnabled);
        Assert.Null(disabled.EmbedQuery("Who discovered penicillin?", TextLanguage.English, Cancel));
        Assert.Equal([null], disabled.EmbedPassages([Passage("Fleming found penicillin.")], Cancel));
    }

    [Fact]
    public void SimilarityIsNullWhenEitherVectorIsMissingOrTheSizesDiffer()
    {
        Assert.Null(PassageEmbedder.Similarity(null, [1f]));
        Assert.Null(PassageEmbedder.Similarity([1f], null));
        Assert.Null(PassageEmbedder.Similarity([1f], [1f, 0f]));
        Assert.Equal(0.5, PassageEmbedder.Similarity([0.5f, 0.5f], [0.5f, 0.5f])!.Value, 6);
    }

    [Fact]
    public void VectorsRoundTripThroughTheirStoredBytes()
    {
        float[] vector = [0.25f, -1.5f, float.Epsilon, 3e-8f];

        var bytes = EmbeddingCodec.ToBytes(vector);

        Assert.Equal(vector, EmbeddingCodec.FromBytes(bytes, 0, bytes.Length));
        Assert.Throws<InvalidDataException>(() => EmbeddingCodec.FromBytes(bytes, 0, 7));
    }

    internal static Passage Passage(string text, TextLanguage language = TextLanguage.English, string title = "") =>
        new("d#0", "d", 0, title, "", text, language, 0, text.Length, 0);
}
