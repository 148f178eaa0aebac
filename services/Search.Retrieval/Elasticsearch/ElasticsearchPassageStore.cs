using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using Microsoft.Extensions.Logging.Abstractions;
using Search.Retrieval.Embeddings;
using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Elasticsearch;

/// <summary>
/// Passages in an Elasticsearch cluster, behind the alias <see cref="ElasticsearchOptions.IndexAlias"/> over the
/// versioned index "{alias}-v{<see cref="PassageMapping.SchemaVersion"/>}". Same promises as the Lucene backend:
/// identical passages (one <see cref="PassagePreparer"/>), an upsert leaves no passage of an earlier version and is
/// searchable on return, a document Elasticsearch refuses is rejected alone with the cluster's reason. Unlike the
/// Lucene index it embeds English passages at ingest, before the write (no vector backlog: a cluster has no
/// background worker of ours to run it, and its ingest rate is the cluster's).
/// Writes from this process take turns; two processes writing the same document at once may race.
/// </summary>
public sealed partial class ElasticsearchPassageStore : IPassageStore, IDisposable
{
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

    public void Dispose()
    {
        if (_ownsInvoker)
        {
            _invoker.Dispose();
        }

        _writeGate.Dispose();
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
