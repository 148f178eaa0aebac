using System.ComponentModel.DataAnnotations;

namespace Search.Retrieval.Embeddings;

/// <summary>
/// Configuration section "Retrieval:Embeddings": whether English passages get a sentence vector
/// (all-MiniLM-L6-v2, 384 dimensions) so that retrieval can return each hit's similarity to the query. The Lucene
/// index stores passages at once and adds their vectors from a durable backlog (<see cref="VectorBackfill"/>);
/// Elasticsearch embeds them at ingest. Off, ingest and BM25 search work as before and hits carry no similarity.
/// </summary>
public sealed class EmbeddingOptions
{
    /// <summary>Embed English passages (after ingest on Lucene, at ingest on Elasticsearch) and English queries at search time.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Passages embedded at once (the vector backfill, Elasticsearch ingest), each by a model call on one thread of its own;
    /// 0 means one per processor. Measured on SciFact passages with eight-bit weights on a two-core Xeon: two one-thread
    /// calls at once embed 132 passages/s at 15.0 ms of CPU each, one call on two threads 92/s at 19.7 ms
    /// (docs/benchmarks.md, "Two passages at once").
    /// </summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>
    /// Also embed each sentence of an English passage, stored with the passage, so that a search gives the answer service
    /// every sentence's similarity to the query as well as the passage's (docs/quality.md, "Sentences read for their
    /// meaning"). Off: the shipped answer model does not read them (measured, not shipped), and they cost about as much
    /// work again as the passage's own vector. An index embedded without them gets them from the backlog once this is on.
    /// </summary>
    public bool Sentences { get; set; }

    /// <summary>
    /// Threads one query's model call may use. One by default: a question is a dozen word pieces, and handing each of the
    /// model's few hundred small operations to a second thread costs more than it saves. Measured on NQ-open questions with
    /// eight-bit weights on the two-core EPYC, one query at a time: 1.1-1.6 ms of CPU per query on one thread against
    /// 3.1-4.1 ms on two, and no slower by the clock (docs/benchmarks.md, "A query's vector on one thread, and what else the profile showed").
    /// </summary>
    [Range(1, 256)]
    public int QueryThreads { get; set; } = 1;

    /// <summary>
    /// The encoder's arithmetic. <see cref="EmbeddingPrecision.Quantized"/> (the default) multiplies with eight-bit weights:
    /// 2.2× less CPU per passage than <see cref="EmbeddingPrecision.Full"/> at the same retrieval quality
    /// (docs/benchmarks.md, "The embedder in eight bits"). Vectors of the two differ slightly (cosine about 0.98), so an
    /// index embedded with one is best searched with the same.
    /// </summary>
    public EmbeddingPrecision Precision { get; set; } = EmbeddingPrecision.Quantized;

    /// <summary>
    /// Word pieces of a passage the model reads (the title first, then the text); the rest is cut. 256 is the model's
    /// configured length (it was trained on 128); the cost grows a little faster than the length.
    /// </summary>
    [Range(16, 512)]
    public int MaxTokens { get; set; } = 256;

    /// <summary>
    /// Passages encoded in one model call (sorted by length first, so padding stays small). One measured best on two
    /// cores: SciFact passages gave about 10-13 passages per CPU-second one at a time, 9 in fours, 8 in sixteens and
    /// 5 in sixty-fours (padding and larger activations cost more than the batch saves; docs/benchmarks.md).
    /// </summary>
    [Range(1, 1024)]
    public int BatchSize { get; set; } = 1;

    /// <summary>
    /// Passages the Lucene index's vector backfill takes from its backlog per round: sorted by length and
    /// encoded in batches of <see cref="BatchSize"/>, then written back and committed together.
    /// </summary>
    [Range(1, 100_000)]
    public int BackfillPassages { get; set; } = 256;

    /// <summary>
    /// Run the Lucene index's vector backfill in this process. Off, English passages stay pending (searchable,
    /// reranked by lexical features) until a process with it on opens the index.
    /// </summary>
    public bool Backfill { get; set; } = true;

    /// <summary>
    /// Linux nice value of the backfill's thread and its model threads (0 normal … 19 lowest): with 10, ingest and
    /// searches of this process take the cores first. On a machine shared with other busy processes a high value
    /// also lets them starve the backfill; 0 competes evenly.
    /// </summary>
    [Range(0, 19)]
    public int BackfillNice { get; set; } = 10;
}

/// <summary>The arithmetic of the sentence encoder's matrix products.</summary>
public enum EmbeddingPrecision
{
    /// <summary>Eight-bit weights, activations quantised per call (ONNX Runtime's DynamicQuantizeMatMul).</summary>
    Quantized,

    /// <summary>The published 32-bit float weights.</summary>
    Full,
}
