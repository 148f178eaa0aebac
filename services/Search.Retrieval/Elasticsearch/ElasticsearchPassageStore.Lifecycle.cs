using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Cluster;
using Elastic.Clients.Elasticsearch.Core.Reindex;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Transport;
using Search.Retrieval.Storage;
using IndexStats = Search.Retrieval.Indexing.IndexStats;

namespace Search.Retrieval.Elasticsearch;

public sealed partial class ElasticsearchPassageStore
{
    private static readonly TimeSpan FirstStartupDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxStartupDelay = TimeSpan.FromSeconds(5);

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
}
