using Search.Text;

namespace Search.Retrieval.Indexing;

/// <summary>A document as a caller sends it, before validation.</summary>
public sealed record IngestDocument(string Id, string Text, string Title = "", string Url = "", string Lang = "", long UpdatedAtUnixMs = 0);

/// <summary>
/// One sentence-aware window of a document, as the index stores it. <see cref="Embedding"/> is its
/// sentence vector (English passages with embeddings on), null otherwise.
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
    float[]? Embedding = null)
{
    public static string IdOf(string documentId, int ordinal) => $"{documentId}#{ordinal}";
}

/// <summary>A document that was not ingested: its position in the batch or stream, its id and why.</summary>
public sealed record IngestRejection(int Index, string DocumentId, string Reason);

/// <summary>
/// What an ingest did. <see cref="Accepted"/> counts valid items (an earlier duplicate in the
/// same batch counts too: it was replaced by the later one), so accepted + rejected = items sent.
/// </summary>
public sealed record IngestResult(int Accepted, int Passages, IReadOnlyList<IngestRejection> Rejected)
{
    public static IngestResult Empty { get; } = new(0, 0, []);

    public IngestResult Add(IngestResult other) =>
        new(Accepted + other.Accepted, Passages + other.Passages, [.. Rejected, .. other.Rejected]);
}

public sealed record IndexStats(long Documents, long Passages);
