using System.ComponentModel.DataAnnotations;

namespace Search.Retrieval.Embeddings;

/// <summary>
/// Configuration section "Retrieval:Embeddings": whether English passages get a sentence vector at ingest
/// (all-MiniLM-L6-v2, 384 dimensions) so that retrieval can return each hit's similarity to the query.
/// Off, ingest and BM25 search work as before and hits carry no similarity.
/// </summary>
public sealed class EmbeddingOptions
{
    /// <summary>Embed English passages at ingest and English queries at search time.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Threads one model call may use; 0 means one per processor.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>Passages encoded in one model call at ingest (sorted by length first, so padding stays small).</summary>
    [Range(1, 1024)]
    public int BatchSize { get; set; } = 16;
}
