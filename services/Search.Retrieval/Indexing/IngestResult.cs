namespace Search.Retrieval.Indexing;

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
