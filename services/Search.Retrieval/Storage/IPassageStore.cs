using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Text;

namespace Search.Retrieval.Storage;

/// <summary>
/// Where passages live: the embedded Lucene index (<see cref="PassageIndex"/>) or an Elasticsearch
/// cluster, chosen by <see cref="RetrievalOptions.Backend"/>. Every backend keeps the same promises:
/// an upsert replaces all earlier passages of each id and is searchable when it returns, a bad
/// document is rejected alone with its reason, and user text never reaches a query parser.
/// </summary>
public interface IPassageStore
{
    /// <summary>Human-readable location for logs and health ("index open at …").</summary>
    string Description { get; }

    /// <summary>Opens or creates the store; called once at start-up so a bad configuration fails there.</summary>
    Task<IndexStats> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Validates, splits and stores <paramref name="documents"/>; durable and searchable on return.</summary>
    /// <param name="firstIndex">Position of the first document in its stream, for rejection indexes.</param>
    Task<IngestResult> UpsertAsync(IReadOnlyList<IngestDocument> documents, int firstIndex = 0, CancellationToken cancellationToken = default);

    /// <summary>Ingests a stream of documents; all of it durable and searchable on return.</summary>
    Task<IngestResult> UpsertStreamAsync(IAsyncEnumerable<IngestDocument> documents, CancellationToken cancellationToken = default);

    /// <summary>Deletes every passage of each id; returns how many of the ids were stored.</summary>
    Task<int> DeleteAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default);

    Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The best <paramref name="topK"/> passages for <paramref name="query"/> by BM25 (0 = the default).
    /// <see cref="TextLanguage.Unknown"/> searches every language; either Chinese script matches both. With
    /// <paramref name="similarity"/> the query is embedded and each hit with a vector gets its cosine to it;
    /// <paramref name="detail"/> says how much of each hit is read and returned.
    /// </summary>
    Task<SearchResult> SearchAsync(
        string query, TextLanguage language = TextLanguage.Unknown, int topK = 0, HitDetail detail = HitDetail.Highlighted, bool similarity = true, CancellationToken cancellationToken = default);

    /// <summary>Whether the store can serve calls now, with a reason for health checks.</summary>
    Task<(bool Healthy, string Reason)> CheckHealthAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A backend failure the caller may retry (Elasticsearch answering 429 or 503, a timeout, a node
/// that does not answer), as opposed to a bug or a rejected request.
/// </summary>
public sealed class PassageStoreException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}

public static class PassageStoreExtensions
{
    /// <summary>Ingests a stream in batches of <paramref name="batchSize"/>, each stored before the next is read on.</summary>
    public static async Task<IngestResult> UpsertInBatchesAsync(
        this IPassageStore store, IAsyncEnumerable<IngestDocument> documents, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var result = IngestResult.Empty;
        var batch = new List<IngestDocument>(batchSize);
        var firstIndex = 0;
        await foreach (var document in documents.WithCancellation(cancellationToken))
        {
            batch.Add(document);
            if (batch.Count < batchSize)
            {
                continue;
            }

            result = result.Add(await store.UpsertAsync(batch, firstIndex, cancellationToken));
            firstIndex += batch.Count;
            batch.Clear();
        }

        return batch.Count == 0 ? result : result.Add(await store.UpsertAsync(batch, firstIndex, cancellationToken));
    }
}
