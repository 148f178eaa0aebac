using Microsoft.ML.OnnxRuntime;
using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Embeddings;

/// <summary>
/// Sentence vectors for English text (all-MiniLM-L6-v2, unit length, <see cref="Dimensions"/> floats).
/// Passages are embedded once at ingest, queries once per search; Chinese text gets no vector because
/// the model only knows English. One ONNX session serves every caller (its Run is thread-safe).
/// </summary>
public sealed class PassageEmbedder : IDisposable
{
    public const int Dimensions = 384;

    // Passages and queries get sessions of their own, each made when first used: passages are embedded by several
    // one-thread calls at once (EmbeddingOptions.Threads), a query by one call on QueryThreads threads. The Lucene
    // backend's searches only ever make the query session, its vector backfill (a PassageEmbedder of its own) only the
    // passage one.
    private readonly Lazy<MiniLmEncoder>? _passages;
    private readonly Lazy<MiniLmEncoder>? _queries;
    private readonly int _batchSize;
    private readonly int _passageCalls;
    private readonly bool _sentences;

    public PassageEmbedder(EmbeddingOptions options)
    {
        _batchSize = options.BatchSize;
        _passageCalls = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        _sentences = options.Sentences;
        if (!options.Enabled)
        {
            return;
        }

        // Passages are encoded by several one-thread model calls at once rather than by one call on several threads.
        _passages = new(() => Encoder(options, threads: 1));
        _queries = new(() => Encoder(options, options.QueryThreads));
    }

    /// <summary>A disabled embedder: nothing gets a vector.</summary>
    public static PassageEmbedder Disabled { get; } = new(new EmbeddingOptions { Enabled = false });

    public bool IsEnabled => _passages is not null;

    /// <summary>Whether text of <paramref name="language"/> is embedded at all.</summary>
    public bool Embeds(TextLanguage language) => IsEnabled && language == TextLanguage.English;

    /// <summary>Whether the passages it embeds get sentence vectors too (<see cref="EmbeddingOptions.Sentences"/>).</summary>
    public bool EmbedsSentences => IsEnabled && _sentences;

    /// <summary>
    /// The vector of each passage, in order; null for passages the model cannot embed (not English) or
    /// when embedding is off. The title goes in front of the text: it names what the passage is about.
    /// </summary>
    public float[]?[] EmbedPassages(IReadOnlyList<Passage> passages, CancellationToken cancellationToken = default)
    {
        var vectors = new float[]?[passages.Count];
        if (!IsEnabled)
        {
            return vectors;
        }

        var embedded = Enumerable.Range(0, passages.Count).Where(i => Embeds(passages[i].Language)).ToArray();
        var encoded = EncodeByLength(
            embedded.Select(i => InputOf(passages[i])).ToArray(), j => passages[embedded[j]].Text.Length, cancellationToken);
        for (var j = 0; j < embedded.Length; j++)
        {
            vectors[embedded[j]] = encoded[j];
        }

        return vectors;
    }

    /// <summary>
    /// The sentence vectors of each passage (its text cut as <see cref="SentenceSplitter"/> cuts it, without the title), in
    /// order; null for passages the model does not embed, or when sentence vectors are off
    /// (<see cref="EmbeddingOptions.Sentences"/>). The sentences of all passages are encoded together, sorted by length.
    /// </summary>
    public SentenceVectors?[] EmbedSentences(IReadOnlyList<Passage> passages, CancellationToken cancellationToken = default)
    {
        var result = new SentenceVectors?[passages.Count];
        if (!EmbedsSentences)
        {
            return result;
        }

        var ranges = passages.Select(p => Embeds(p.Language) ? SentenceSplitter.Split(p.Text) : []).ToArray();
        var sentences = Enumerable.Range(0, passages.Count)
            .SelectMany(p => ranges[p].Select((range, s) => (Passage: p, Sentence: s, Text: range.Of(passages[p].Text))))
            .ToArray();
        var encoded = EncodeByLength(sentences.Select(s => s.Text).ToArray(), i => sentences[i].Text.Length, cancellationToken);
        var vectors = ranges.Select(r => new float[r.Count][]).ToArray();
        for (var i = 0; i < sentences.Length; i++)
        {
            vectors[sentences[i].Passage][sentences[i].Sentence] = encoded[i];
        }

        for (var p = 0; p < passages.Count; p++)
        {
            result[p] = Embeds(passages[p].Language) ? SentenceVectors.Quantize(ranges[p], vectors[p]) : null;
        }

        return result;
    }

    /// <summary>
    /// The vector of each of <paramref name="texts"/>, in order, encoded in batches of texts of similar
    /// <paramref name="length"/> (little work wasted on padding) by the passage encoder's parallel calls.
    /// </summary>
    private float[][] EncodeByLength(string[] texts, Func<int, int> length, CancellationToken cancellationToken)
    {
        var vectors = new float[texts.Length][];
        var batches = Enumerable.Range(0, texts.Length).OrderBy(length).Chunk(_batchSize).ToArray();
        var encoder = _passages!.Value;
        OnThreads(_passageCalls, batches.Length, b =>
        {
            var batch = batches[b];
            var encoded = encoder.Encode(batch.Select(i => texts[i]).ToArray(), cancellationToken);
            for (var j = 0; j < batch.Length; j++)
            {
                vectors[batch[j]] = encoded[j];
            }
        });
        return vectors;
    }

    /// <summary>The vector of a query, or null when it is not English (detected when not given) or embedding is off.</summary>
    public float[]? EmbedQuery(string query, TextLanguage language = TextLanguage.Unknown, CancellationToken cancellationToken = default)
    {
        if (!IsEnabled || string.IsNullOrWhiteSpace(query))
        {
            return null;
        }

        var resolved = language == TextLanguage.Unknown ? LanguageDetector.Detect(query) : language;
        return Embeds(resolved) ? _queries!.Value.Encode([query], cancellationToken)[0] : null;
    }

    /// <summary>Cosine similarity of two unit vectors (their dot product), or null when either is missing or the sizes differ.</summary>
    public static double? Similarity(float[]? query, float[]? passage)
    {
        if (query is null || passage is null || query.Length != passage.Length)
        {
            return null;
        }

        var dot = 0.0;
        for (var i = 0; i < query.Length; i++)
        {
            dot += query[i] * passage[i];
        }

        return dot;
    }

    /// <summary>Whether two passages give the model the same input, so one's vector is the other's.</summary>
    public static bool SameInput(Passage a, Passage b) => string.Equals(InputOf(a), InputOf(b), StringComparison.Ordinal);

    public void Dispose()
    {
        foreach (var encoder in new[] { _passages, _queries })
        {
            if (encoder is { IsValueCreated: true })
            {
                encoder.Value.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> for items 0 … count−1 on the calling thread and up to threads−1 threads started for
    /// the call, each taking the next item until none is left; rethrows the first failure once all have stopped. The
    /// threads are started here rather than taken from the pool so that they inherit the caller's priority: the vector
    /// backfill lowers its thread's (<see cref="EmbeddingOptions.BackfillNice"/>), and its helpers must not compete with
    /// searches at normal priority.
    /// </summary>
    private static void OnThreads(int threads, int count, Action<int> work)
    {
        var next = -1;
        Exception? failure = null;
        void Drain()
        {
            try
            {
                int item;
                while (Volatile.Read(ref failure) is null && (item = Interlocked.Increment(ref next)) < count)
                {
                    work(item);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }

        var helpers = Enumerable.Range(0, Math.Max(0, Math.Min(threads, count) - 1))
            .Select(_ => new Thread(Drain) { IsBackground = true, Name = "passage embedding" })
            .ToList();
        helpers.ForEach(thread => thread.Start());
        Drain();
        helpers.ForEach(thread => thread.Join());
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static MiniLmEncoder Encoder(EmbeddingOptions options, int threads)
    {
        // One call uses its threads by itself (intra-op); calls are not split across threads (inter-op),
        // which on a small machine only adds contention.
        var session = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };

        // Idle pool threads sleep instead of spinning: spinning kept both cores busy between queries and
        // tripled the CPU a search costs, for no gain in latency on two cores.
        session.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new MiniLmEncoder(session, options.Precision, options.MaxTokens);
    }

    private static string InputOf(Passage passage) =>
        string.IsNullOrWhiteSpace(passage.Title) ? passage.Text : $"{passage.Title}. {passage.Text}";
}
