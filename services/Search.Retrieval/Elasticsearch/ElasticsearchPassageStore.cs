using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Cluster;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.Reindex;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using Microsoft.Extensions.Logging.Abstractions;
using Search.Retrieval.Embeddings;
using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Retrieval.Storage;
using Search.Text;
using IndexStats = Search.Retrieval.Indexing.IndexStats;

namespace Search.Retrieval.Elasticsearch;

/// <summary>
/// Passages in an Elasticsearch cluster, behind the alias <see cref="ElasticsearchOptions.IndexAlias"/> over the
/// versioned index "{alias}-v{<see cref="PassageMapping.SchemaVersion"/>}". Same promises as the Lucene backend:
/// identical passages (one <see cref="PassagePreparer"/>), an upsert leaves no passage of an earlier version and is
/// searchable on return, a document Elasticsearch refuses is rejected alone with the cluster's reason.
/// Writes from this process take turns; two processes writing the same document at once may race.
/// </summary>
public sealed class ElasticsearchPassageStore : IPassageStore, IDisposable
{
    /// <summary>Passage characters per _bulk request, far below the cluster's 100 MB http.max_content_length.</summary>
    private const int MaxBulkChars = 2_000_000;

    /// <summary>Ids per terms clause, below the index.max_terms_count default of 65,536.</summary>
    private const int MaxTermsPerQuery = 10_000;

    private static readonly TimeSpan FirstStartupDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxStartupDelay = TimeSpan.FromSeconds(5);
    private static readonly string Section = $"{RetrievalOptions.SectionName}:{nameof(RetrievalOptions.Elasticsearch)}";

    private readonly RetrievalOptions _options;
    private readonly ElasticsearchOptions _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PassagePreparer _preparer;
    private readonly PassageEmbedder _embedder;
    private readonly IRequestInvoker _invoker;
    private readonly bool _ownsInvoker;
    private readonly ElasticsearchClient _client;
    private readonly string _alias;
    private readonly string _index;
    private readonly string _nodes;
    // Serialises upserts and deletes, so a delete's count and an upsert's clean-up see the state they change.
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <param name="requestInvoker">
    /// How requests reach the cluster; null for HTTP. Tests pass an in-memory invoker that answers with real
    /// Elasticsearch JSON.
    /// </param>
    public ElasticsearchPassageStore(
        RetrievalOptions options,
        TimeProvider? time = null,
        ILogger<ElasticsearchPassageStore>? logger = null,
        IRequestInvoker? requestInvoker = null,
        PassageEmbedder? embedder = null)
    {
        var errors = options.Elasticsearch.Validate(Section).Select(e => e.ErrorMessage).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _settings = options.Elasticsearch;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<ElasticsearchPassageStore>.Instance;
        _embedder = embedder ?? PassageEmbedder.Disabled;
        _preparer = new PassagePreparer(options, _time, _embedder);
        _alias = _settings.IndexAlias;
        _index = PassageMapping.IndexName(_alias, PassageMapping.SchemaVersion);
        // Credentials may sit in a URL's user-info part; logs and health reasons show scheme, host and port only.
        _nodes = string.Join(", ", _settings.Urls.Select(u => new Uri(u).GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)));
        _ownsInvoker = requestInvoker is null;
        _invoker = requestInvoker ?? new HttpRequestInvoker();
        _client = new ElasticsearchClient(CreateClientSettings(_settings, _invoker));
    }

    public string Description => $"Elasticsearch alias {_alias} ({_index}) on {_nodes}";

    /// <summary>Node pool, authentication, certificate pinning and timeout from the options.</summary>
    public static ElasticsearchClientSettings CreateClientSettings(ElasticsearchOptions options, IRequestInvoker requestInvoker)
    {
        var uris = options.Urls.Select(u => new Uri(u)).ToList();
        NodePool pool = uris.Count == 1 ? new SingleNodePool(uris[0]) : new StaticNodePool(uris, randomize: true);
        var settings = new ElasticsearchClientSettings(pool, requestInvoker).RequestTimeout(options.RequestTimeout);
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            settings.Authentication(new ApiKey(options.ApiKey));
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            settings.Authentication(new BasicAuthentication(options.Username, options.Password ?? ""));
        }

        if (!string.IsNullOrEmpty(options.CertificateFingerprint))
        {
            settings.CertificateFingerprint(options.CertificateFingerprint.Replace(":", "", StringComparison.Ordinal));
        }

        return settings;
    }

    /// <summary>
    /// Waits for the cluster (up to <see cref="ElasticsearchOptions.StartupTimeout"/>), then makes the alias point at
    /// the current index: created when missing, or filled from an older version's index by a reindex followed by one
    /// atomic alias swap, so searches never see an empty or missing index during a schema change.
    /// </summary>
    public async Task<IndexStats> OpenAsync(CancellationToken cancellationToken = default)
    {
        await WaitForClusterAsync(cancellationToken);
        await EnsureCurrentIndexAsync(cancellationToken);
        var stats = await GetStatsAsync(cancellationToken);
        _logger.LogInformation("{Store} open: {Documents} documents, {Passages} passages", Description, stats.Documents, stats.Passages);
        return stats;
    }

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

    public async Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var documents = await CountAsync("document count", FirstPassage(), cancellationToken);
        var passages = await CountAsync("passage count", null, cancellationToken);
        return new IndexStats(documents, passages);
    }

    public async Task<SearchResult> SearchAsync(
        string query, TextLanguage language = TextLanguage.Unknown, int topK = 0, bool highlight = true, CancellationToken cancellationToken = default)
    {
        var queryText = PassageQuery.QueryText(query);
        if (queryText is null)
        {
            return SearchResult.Empty;
        }

        topK = topK <= 0 ? _options.DefaultTopK : Math.Min(topK, _options.MaxTopK);
        var request = PassageQuery.Build(_alias, queryText, language, topK, highlight, _options);
        var response = await Send("search", () => _client.SearchAsync<PassageDocument>(request, cancellationToken), cancellationToken);
        var hits = response.Hits
            .Where(hit => hit.Source is not null)
            .Select(hit => ToSearchHit(hit, query, highlight))
            .ToList();
        // The query is embedded only when some hit has a vector to compare with (never for Chinese).
        if (hits.Any(h => h.Passage.Embedding is not null) && _embedder.EmbedQuery(query, language, cancellationToken) is { } queryVector)
        {
            hits = hits.Select(h => h with { Similarity = PassageEmbedder.Similarity(queryVector, h.Passage.Embedding) }).ToList();
        }

        return new SearchResult(hits, (int)Math.Clamp(response.Total, hits.Count, int.MaxValue));
    }

    public async Task<(bool Healthy, string Reason)> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var health = await Send("cluster health", () => _client.Cluster.HealthAsync(new HealthRequest(), cancellationToken), cancellationToken);
            var status = health.Status.ToString().ToLowerInvariant();
            return health.Status == HealthStatus.Red
                ? (false, $"Elasticsearch cluster {health.ClusterName} on {_nodes} is red: some primary shards are unassigned")
                : (true, $"Elasticsearch cluster {health.ClusterName} on {_nodes} is {status}; passages behind alias {_alias}");
        }
        catch (PassageStoreException e)
        {
            return (false, e.Message);
        }
    }

    public void Dispose()
    {
        if (_ownsInvoker)
        {
            _invoker.Dispose();
        }

        _writeGate.Dispose();
    }

    private async Task WaitForClusterAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _settings.StartupTimeout;
        var delay = FirstStartupDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Send("cluster health", () => _client.Cluster.HealthAsync(new HealthRequest(), cancellationToken), cancellationToken);
                return;
            }
            catch (PassageStoreException e) when (e.Retryable)
            {
                if (_time.GetUtcNow() + delay >= deadline)
                {
                    throw new PassageStoreException(
                        $"Elasticsearch at {_nodes} did not answer within {_settings.StartupTimeoutSeconds} s ({Section}:{nameof(ElasticsearchOptions.StartupTimeoutSeconds)}); last error: {e.Message}",
                        retryable: true,
                        e);
                }

                _logger.LogWarning("Elasticsearch at {Nodes} is not ready (attempt {Attempt}): {Reason}", _nodes, attempt, e.Message);
                await Task.Delay(delay, _time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxStartupDelay.Ticks));
            }
        }
    }

    private async Task EnsureCurrentIndexAsync(CancellationToken cancellationToken)
    {
        var exists = await Send("alias check", () => _client.Indices.ExistsAliasAsync(new ExistsAliasRequest(_alias), cancellationToken), cancellationToken);
        if (!exists.Exists)
        {
            await CreateIndexAsync(cancellationToken);
            await UpdateAliasesAsync("alias creation", [new IndexUpdateAliasesAction { Add = new AddAction { Index = _index, Alias = _alias } }], cancellationToken);
            _logger.LogInformation("Created Elasticsearch index {Index} behind alias {Alias}", _index, _alias);
            return;
        }

        var aliases = await Send("alias lookup", () => _client.Indices.GetAliasAsync(new GetAliasRequest((Names)_alias), cancellationToken), cancellationToken);
        var indices = (aliases.Aliases?.Keys ?? []).Order(StringComparer.Ordinal).ToList();
        if (indices.Count == 1 && indices[0] == _index)
        {
            return;
        }

        if (indices.Count != 1)
        {
            throw new PassageStoreException(
                $"Elasticsearch alias {_alias} points at {indices.Count} indices ({string.Join(", ", indices)}); it must point at one. Fix it with POST /_aliases.",
                retryable: false);
        }

        var old = indices[0];
        var version = PassageMapping.VersionOf(_alias, old);
        if (version > PassageMapping.SchemaVersion)
        {
            throw new PassageStoreException(
                $"Elasticsearch alias {_alias} points at {old}, schema version {version}, newer than this build's {PassageMapping.SchemaVersion}; refusing to write into it.",
                retryable: false);
        }

        await MigrateAsync(old, version, cancellationToken);
    }

    /// <summary>
    /// A schema change without downtime: fill the new index from the old one, then move the alias in one
    /// <c>_aliases</c> call. The old index stays for a rollback. Ingest into the old index while this runs is not
    /// carried over, so schema changes are rolled out with ingestion paused.
    /// </summary>
    private async Task MigrateAsync(string old, int oldVersion, CancellationToken cancellationToken)
    {
        _logger.LogInformation("Elasticsearch alias {Alias} points at {Old} (schema version {OldVersion}); reindexing into {Index}", _alias, old, oldVersion, _index);
        await CreateIndexAsync(cancellationToken);

        var request = new ReindexRequest
        {
            Source = new Source { Indices = old },
            Dest = new Destination { Index = _index },
            WaitForCompletion = true,
            Refresh = true,
            // A reindex takes as long as the data needs, not one request's usual time.
            RequestConfiguration = new RequestConfiguration { RequestTimeout = _settings.StartupTimeout > _settings.RequestTimeout ? _settings.StartupTimeout : _settings.RequestTimeout },
        };
        var reindex = await Send($"reindex of {old} into {_index}", () => _client.ReindexAsync(request, cancellationToken), cancellationToken);
        if (reindex.Failures is { Count: > 0 } failures)
        {
            var first = failures.First();
            throw new PassageStoreException(
                $"Elasticsearch reindex of {old} into {_index} failed for {failures.Count} documents, e.g. {first.Id}: HTTP {first.Status} {ElasticsearchFailures.Describe(first.Cause?.Type, first.Cause?.Reason)}.",
                retryable: failures.All(f => ElasticsearchFailures.IsRetryable(f.Status)));
        }

        await UpdateAliasesAsync(
            "alias swap",
            [
                new IndexUpdateAliasesAction { Remove = new RemoveAction { Index = old, Alias = _alias } },
                new IndexUpdateAliasesAction { Add = new AddAction { Index = _index, Alias = _alias } },
            ],
            cancellationToken);
        // The old index stays for a rollback; deleting it is an operator's decision.
        _logger.LogInformation("Moved alias {Alias} from {Old} to {Index} ({Copied} passages copied)", _alias, old, _index, reindex.Total ?? 0);
    }

    private async Task CreateIndexAsync(CancellationToken cancellationToken)
    {
        var response = await Call("index creation", () => _client.Indices.CreateAsync(PassageMapping.CreateIndex(_index, _options), cancellationToken), cancellationToken);
        if (response.IsValidResponse)
        {
            return;
        }

        // Left by an earlier start that stopped before the alias was set, or created by a replica starting alongside.
        if (response.ElasticsearchServerError?.Error?.Type == "resource_already_exists_exception")
        {
            _logger.LogInformation("Elasticsearch index {Index} already exists", _index);
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw ElasticsearchFailures.From($"creation of index {_index}", response);
    }

    private Task UpdateAliasesAsync(string action, ICollection<IndexUpdateAliasesAction> actions, CancellationToken cancellationToken) =>
        Send(action, () => _client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest { Actions = actions }, cancellationToken), cancellationToken);

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

    private async Task<long> CountAsync(string action, Query? query, CancellationToken cancellationToken)
    {
        var response = await Send(action, () => _client.CountAsync(new CountRequest(_alias) { Query = query }, cancellationToken), cancellationToken);
        return response.Count;
    }

    private static SearchHit ToSearchHit(Elastic.Clients.Elasticsearch.Core.Search.Hit<PassageDocument> hit, string query, bool highlight)
    {
        var passage = PassageMapping.ToPassage(hit.Source!);
        return new SearchHit(passage, hit.Score ?? 0, highlight ? Highlights(hit, passage, query) : []);
    }

    /// <summary>
    /// The highlighter's tags turned back into ranges of the passage text. Should the tagged text not untag to the
    /// stored text, the ranges come from the product's own analyzer instead, as in the Lucene backend.
    /// </summary>
    private static IReadOnlyList<TextRange> Highlights(Elastic.Clients.Elasticsearch.Core.Search.Hit<PassageDocument> hit, Passage passage, string query)
    {
        var chinese = passage.Language.IsChinese();
        var field = chinese ? PassageMapping.TextChinese : PassageMapping.TextEnglish;
        if (hit.Highlight is null || !hit.Highlight.TryGetValue(field, out var fragments) || fragments.Count == 0)
        {
            return [];
        }

        var analysed = chinese ? ChineseScript.ToSimplified(passage.Text) : passage.Text;
        return PassageQuery.ParseHighlight(fragments.First(), analysed)
            ?? PassageHighlighter.Highlight(passage.Text, QueryBuilder.Terms(query));
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

    /// <summary>One call; a transport exception becomes a <see cref="PassageStoreException"/>, an error answer is returned.</summary>
    private static async Task<T> Call<T>(string action, Func<Task<T>> call, CancellationToken cancellationToken)
        where T : ElasticsearchResponse
    {
        try
        {
            return await call();
        }
        catch (TransportException e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw ElasticsearchFailures.From(action, e);
        }
    }

    /// <summary>One call that must succeed.</summary>
    private static async Task<T> Send<T>(string action, Func<Task<T>> call, CancellationToken cancellationToken)
        where T : ElasticsearchResponse
    {
        var response = await Call(action, call, cancellationToken);
        if (response.IsValidResponse)
        {
            return response;
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw ElasticsearchFailures.From(action, response);
    }
}
