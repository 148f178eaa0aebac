using Search.Retrieval.Embeddings;
using Search.Text;

namespace Search.Retrieval.Indexing;

/// <summary>A document as a caller sends it, before validation.</summary>
public sealed record IngestDocument(string Id, string Text, string Title = "", string Url = "", string Lang = "", long UpdatedAtUnixMs = 0);

/// <summary>
/// One sentence-aware window of a document, as the index stores it. <see cref="Embedding"/> is its
/// sentence vector (English passages with embeddings on), null otherwise. <see cref="VectorPending"/>: an
/// English passage stored before its vector, which the index's vector backfill will add. <see cref="Sentences"/> are the
/// vectors of its sentences, added with <see cref="Embedding"/> when sentence vectors are on.
/// </summary>
public sealed record Passage(
    string PassageId,
    string DocumentId,
    int Ordinal,
    string Title,
    string Url,
    string Text,
    TextLanguage Language,
    int StartOffset,
    int EndOffset,
    long UpdatedAtUnixMs,
    float[]? Embedding = null,
    bool VectorPending = false,
    SentenceVectors? Sentences = null)
{
    public static string IdOf(string documentId, int ordinal) => $"{documentId}#{ordinal}";
}
