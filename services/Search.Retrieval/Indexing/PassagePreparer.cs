using Search.Retrieval.Embeddings;
using Search.Retrieval.Passages;

namespace Search.Retrieval.Indexing;

/// <summary>One valid document cut into the passages a backend stores for it.</summary>
public sealed record PreparedDocument(int Index, string DocumentId, IReadOnlyList<Passage> Passages)
{
    /// <summary>The version every passage carries: the sender's updated_at_unix_ms, or the time of receipt when it sent none.</summary>
    public long UpdatedAtUnixMs => Passages.Count > 0 ? Passages[0].UpdatedAtUnixMs : 0;
}

/// <summary>A batch after validation and splitting: what to store, and what was rejected before any backend saw it.</summary>
public sealed record PreparedBatch(int Accepted, IReadOnlyList<PreparedDocument> Documents, IReadOnlyList<IngestRejection> Rejected);

/// <summary>
/// Validation, passage splitting and (when given an embedder) embedding shared by every backend, so they store
/// identical passages. The Lucene index gives it none: its vectors come later, from its backlog.
/// </summary>
public sealed class PassagePreparer(RetrievalOptions options, TimeProvider? time = null, PassageEmbedder? embedder = null)
{
    private readonly PassageEmbedder _embedder = embedder ?? PassageEmbedder.Disabled;
    private readonly PassageSplitter _splitter = new(options.PassageWords, options.PassageCjkChars, options.PassageMaxChars);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public PreparedBatch Prepare(IReadOnlyList<IngestDocument> documents, int firstIndex = 0)
    {
        var (valid, rejected) = DocumentValidator.Validate(documents, options.MaxDocumentChars, firstIndex);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var prepared = valid.Select(v => new PreparedDocument(v.Index, v.Document.Id, Split(v, now))).ToList();
        if (_embedder.IsEnabled)
        {
            prepared = Embed(prepared);
        }

        return new PreparedBatch(documents.Count - rejected.Count, prepared, rejected);
    }

    // The whole batch goes to the model at once, so its batches fill up across small documents.
    private List<PreparedDocument> Embed(List<PreparedDocument> documents)
    {
        var vectors = _embedder.EmbedPassages(documents.SelectMany(d => d.Passages).ToList());
        var next = 0;
        return documents
            .Select(d => d with { Passages = d.Passages.Select(p => p with { Embedding = vectors[next++] }).ToList() })
            .ToList();
    }

    private List<Passage> Split(ValidDocument valid, long now)
    {
        var document = valid.Document;
        var updatedAt = document.UpdatedAtUnixMs == 0 ? now : document.UpdatedAtUnixMs;
        return _splitter.Split(document.Text)
            .Select((range, ordinal) => new Passage(
                Passage.IdOf(document.Id, ordinal),
                document.Id,
                ordinal,
                document.Title ?? "",
                document.Url ?? "",
                range.Of(document.Text),
                valid.Language,
                range.Start,
                range.End,
                updatedAt))
            .ToList();
    }
}
