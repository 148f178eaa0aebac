using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Elasticsearch;

public sealed partial class ElasticsearchPassageStore
{
    /// <summary>Passage characters per _bulk request, far below the cluster's 100 MB http.max_content_length.</summary>
    private const int MaxBulkChars = 2_000_000;

    /// <summary>Ids per terms clause, below the index.max_terms_count default of 65,536.</summary>
    private const int MaxTermsPerQuery = 10_000;

    /// <summary>A stream goes in batches of <see cref="RetrievalOptions.StreamBatchSize"/>, each written with its vectors and refreshed before the next.</summary>
    public Task<IngestResult> UpsertStreamAsync(IAsyncEnumerable<IngestDocument> documents, CancellationToken cancellationToken = default) =>
        this.UpsertInBatchesAsync(documents, _options.StreamBatchSize, cancellationToken);

    public async Task<IngestResult> UpsertAsync(IReadOnlyList<IngestDocument> documents, int firstIndex = 0, CancellationToken cancellationToken = default)
    {
        var batch = _preparer.Prepare(documents, firstIndex);
        if (batch.Documents.Count == 0)
        {
            return new IngestResult(batch.Accepted, 0, batch.Rejected);
        }

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // Compared and written under the gate: no other write of this process comes between.
            batch = await WithoutStaleAsync(batch, cancellationToken);
            if (batch.Documents.Count == 0)
            {
                return new IngestResult(batch.Accepted, 0, batch.Rejected);
            }

            return await UpsertPreparedAsync(batch, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<int> DeleteAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        var ids = documentIds.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return 0;
        }

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // Every stored document has exactly one first passage, so counting those counts documents.
            var existed = await CountAsync("count of documents to delete", new BoolQuery { Filter = [DocumentIds(ids), FirstPassage()] }, cancellationToken);
            if (existed == 0)
            {
                return 0;
            }

            await DeleteByQueryAsync("delete", DocumentIds(ids), cancellationToken);
            return (int)existed;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// <paramref name="batch"/> without the documents whose stored version is newer (by updated_at): an older version
    /// never replaces a newer one, and of equal ones the later write wins. One search for the first passages of the
    /// batch's ids, with only their id and version.
    /// </summary>
    private async Task<PreparedBatch> WithoutStaleAsync(PreparedBatch batch, CancellationToken cancellationToken)
    {
        var ids = batch.Documents.Select(d => d.DocumentId).Distinct(StringComparer.Ordinal).ToList();
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(MaxVersionsPerSearch))
        {
            var request = new SearchRequest(_alias)
            {
                Query = new BoolQuery { Filter = [DocumentIds(chunk), FirstPassage()] },
                // A document may have a second generation for a moment (a batch whose clean-up failed): room for both.
                Size = chunk.Length * 2,
                Source = new SourceConfig(new SourceFilter { Includes = new[] { PassageMapping.DocumentId, PassageMapping.UpdatedAt } }),
            };
            var response = await Send("version check", () => _client.SearchAsync<StoredVersion>(request, cancellationToken), cancellationToken);
            foreach (var hit in response.Hits)
            {
                if (hit.Source is { } version)
                {
                    stored[version.DocumentId] = Math.Max(version.UpdatedAt, stored.GetValueOrDefault(version.DocumentId));
                }
            }
        }

        var kept = batch.Documents.Where(d => !stored.TryGetValue(d.DocumentId, out var version) || version <= d.UpdatedAtUnixMs).ToList();
        return kept.Count == batch.Documents.Count ? batch : batch with { Documents = kept };
    }

    /// <summary>Ids per version check: twice as many hits stay within the default index.max_result_window of 10,000.</summary>
    private const int MaxVersionsPerSearch = 5_000;

    /// <summary>The id and version of a stored passage, all a version check reads of it.</summary>
    private sealed record StoredVersion(
        [property: System.Text.Json.Serialization.JsonPropertyName(PassageMapping.DocumentId)] string DocumentId,
        [property: System.Text.Json.Serialization.JsonPropertyName(PassageMapping.UpdatedAt)] long UpdatedAt);

    /// <summary>
    /// Bulk-writes every passage under a fresh generation, then removes in one delete-by-query the passages of
    /// earlier generations of the stored documents and the new passages of documents Elasticsearch refused.
    /// </summary>
    private async Task<IngestResult> UpsertPreparedAsync(PreparedBatch batch, CancellationToken cancellationToken)
    {
        var generation = Guid.NewGuid().ToString("N");
        var refused = new Dictionary<PreparedDocument, string>();
        try
        {
            foreach (var chunk in BulkChunks(batch.Documents))
            {
                await BulkIndexAsync(chunk, generation, refused, cancellationToken);
            }
        }
        catch (Exception e) when (e is PassageStoreException or OperationCanceledException)
        {
            // Nothing of a failed batch may stay half-written next to the old passages.
            await RemoveGenerationAsync(generation);
            throw;
        }

        var stored = batch.Documents.Where(d => !refused.ContainsKey(d)).ToList();
        var clauses = new List<Query>();
        if (stored.Count > 0)
        {
            clauses.Add(new BoolQuery { Filter = [DocumentIds(stored.Select(d => d.DocumentId).ToList())], MustNot = [OfGeneration(generation)] });
        }

        if (refused.Count > 0)
        {
            clauses.Add(new BoolQuery { Filter = [DocumentIds(refused.Keys.Select(d => d.DocumentId).ToList()), OfGeneration(generation)] });
        }

        await DeleteByQueryAsync("removal of replaced passages", new BoolQuery { Should = clauses, MinimumShouldMatch = 1 }, cancellationToken);

        var rejected = batch.Rejected
            .Concat(refused.Select(r => new IngestRejection(r.Key.Index, r.Key.DocumentId, r.Value)))
            .OrderBy(r => r.Index)
            .ToList();
        return new IngestResult(batch.Accepted - refused.Count, stored.Sum(d => d.Passages.Count), rejected);
    }

    private async Task BulkIndexAsync(
        IReadOnlyList<PreparedDocument> documents, string generation, Dictionary<PreparedDocument, string> refused, CancellationToken cancellationToken)
    {
        var owners = new List<(PreparedDocument Document, Passage Passage)>();
        var operations = new BulkOperationsCollection();
        foreach (var document in documents)
        {
            foreach (var passage in document.Passages)
            {
                owners.Add((document, passage));
                operations.Add(new BulkIndexOperation<PassageDocument>(PassageMapping.ToDocument(passage, generation))
                {
                    Id = PassageMapping.DocumentKey(passage.PassageId, generation),
                });
            }
        }

        var request = new BulkRequest(_alias)
        {
            Operations = operations,
            // Searchable on return, without forcing a refresh of its own.
            Refresh = Refresh.WaitFor,
            // Never let a missing alias auto-create a concrete index with a guessed mapping.
            RequireAlias = true,
        };
        var response = await Call("bulk indexing", () => _client.BulkAsync(request, cancellationToken), cancellationToken);
        // errors: true makes the response "invalid" although every item has its own answer; read those.
        if (response.ApiCallDetails.HttpStatusCode != 200 || response.Items.Count != owners.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw ElasticsearchFailures.From("bulk indexing", response);
        }

        foreach (var (item, owner) in response.Items.Zip(owners))
        {
            if (item.IsValid)
            {
                continue;
            }

            var reason = $"HTTP {item.Status} {ElasticsearchFailures.Describe(item.Error?.Type, item.Error?.Reason)}";
            // Back-pressure says nothing about the document: the whole batch is retried rather than one item rejected.
            if (ElasticsearchFailures.IsRetryable(item.Status))
            {
                throw new PassageStoreException($"Elasticsearch bulk indexing failed: {reason}.", retryable: true);
            }

            refused.TryAdd(owner.Document, $"Elasticsearch refused passage {owner.Passage.Ordinal}: {reason}");
        }
    }

    private async Task RemoveGenerationAsync(string generation)
    {
        try
        {
            // The caller's token may be what failed; the clean-up is bounded by the request timeout instead.
            await DeleteByQueryAsync("clean-up of a failed batch", OfGeneration(generation), CancellationToken.None);
        }
        catch (PassageStoreException e)
        {
            _logger.LogWarning("Could not remove the passages of failed batch {Generation}; the next upsert of those documents replaces them: {Reason}", generation, e.Message);
        }
    }

    private async Task DeleteByQueryAsync(string action, Query query, CancellationToken cancellationToken)
    {
        var request = new DeleteByQueryRequest(_alias)
        {
            Query = query,
            Refresh = true,
            // Passages deleted meanwhile by another call are gone either way.
            Conflicts = Conflicts.Proceed,
        };
        var response = await Send(action, () => _client.DeleteByQueryAsync(request, cancellationToken), cancellationToken);
        if (response.Failures is { Count: > 0 } failures)
        {
            var first = failures.First();
            throw new PassageStoreException(
                $"Elasticsearch {action} failed for {failures.Count} passages, e.g. HTTP {first.Status} {ElasticsearchFailures.Describe(first.Cause?.Type, first.Cause?.Reason)}.",
                retryable: failures.All(f => ElasticsearchFailures.IsRetryable(f.Status)));
        }

        if (response.TimedOut == true)
        {
            throw new PassageStoreException($"Elasticsearch {action} timed out before every passage was removed.", retryable: true);
        }
    }

    private static TermQuery FirstPassage() => new() { Field = PassageMapping.Ordinal, Value = 0 };

    private static TermQuery OfGeneration(string generation) => new() { Field = PassageMapping.Generation, Value = generation };

    private static Query DocumentIds(IReadOnlyCollection<string> ids) => ids.Count <= MaxTermsPerQuery
        ? TermsOf(ids)
        : new BoolQuery { Should = ids.Chunk(MaxTermsPerQuery).Select(chunk => (Query)TermsOf(chunk)).ToList(), MinimumShouldMatch = 1 };

    private static TermsQuery TermsOf(IEnumerable<string> ids) =>
        new() { Field = PassageMapping.DocumentId, Terms = new TermsQueryField(ids.Select(id => (FieldValue)id).ToArray()) };

    /// <summary>Whole documents per request, each request at most about <see cref="MaxBulkChars"/> characters of passages.</summary>
    private static IEnumerable<IReadOnlyList<PreparedDocument>> BulkChunks(IReadOnlyList<PreparedDocument> documents)
    {
        var chunk = new List<PreparedDocument>();
        var chars = 0L;
        foreach (var document in documents)
        {
            var size = document.Passages.Sum(p => (long)p.Text.Length + p.Title.Length);
            if (chunk.Count > 0 && chars + size > MaxBulkChars)
            {
                yield return chunk;
                chunk = [];
                chars = 0;
            }

            chunk.Add(document);
            chars += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
