using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Search.Contracts.V1;

namespace Search.Client;

/// <summary>
/// A thin client for the gateway's gRPC API with a deadline on every call. Calls throw
/// <see cref="GatewayUnreachableException"/> when nothing answers at the address and
/// <see cref="RpcException"/> for statuses the gateway returns.
/// </summary>
public sealed class SearchClient : IDisposable
{
    public const string DefaultAddress = "http://127.0.0.1:8081";

    /// <summary>The metadata key the gateway reads the ingest key from.</summary>
    public const string ApiKeyMetadata = "x-api-key";

    private readonly GrpcChannel _channel;
    private readonly bool _ownsChannel;
    private readonly Gateway.GatewayClient _gateway;
    private readonly SearchClientOptions _options;

    /// <summary>Creates a client for the gateway at <paramref name="address"/> (e.g. http://127.0.0.1:8081).</summary>
    public SearchClient(string address, SearchClientOptions? options = null)
        : this(CreateChannel(address, options ?? new SearchClientOptions()), options, ownsChannel: true, address)
    {
    }

    /// <summary>Creates a client on an existing channel (in-process tests); the channel stays the caller's.</summary>
    public SearchClient(GrpcChannel channel, SearchClientOptions? options = null)
        : this(channel, options, ownsChannel: false, channel.Target)
    {
    }

    private SearchClient(GrpcChannel channel, SearchClientOptions? options, bool ownsChannel, string address)
    {
        _channel = channel;
        _ownsChannel = ownsChannel;
        _options = options ?? new SearchClientOptions();
        _gateway = new Gateway.GatewayClient(channel);
        Address = address;
    }

    /// <summary>The gateway this client talks to.</summary>
    public string Address { get; }

    public SearchClientOptions Options => _options;

    /// <summary>Runs the search pipeline. <paramref name="language"/>: "en", "zh-Hans", "zh-Hant" or null/empty to detect; <paramref name="k"/>: 1..50, 0 for the gateway default.</summary>
    public Task<SearchResponse> SearchAsync(
        string query, string? language = null, int k = 10, bool includeAbstained = false, CancellationToken cancellationToken = default)
    {
        var request = new SearchRequest { Query = query, Language = language ?? "", K = k, IncludeAbstained = includeAbstained };
        return Call(() => _gateway.SearchAsync(request, deadline: Deadline(_options.SearchTimeout), cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
    }

    /// <summary>Inserts or replaces a batch of documents; bad documents come back in <see cref="IngestResponse.Rejected"/> by batch index.</summary>
    public Task<IngestResponse> UpsertAsync(IReadOnlyList<Document> documents, CancellationToken cancellationToken = default)
    {
        var request = new UpsertDocumentsRequest();
        request.Documents.AddRange(documents);
        return Call(() => _gateway.UpsertDocumentsAsync(request, WriteHeaders(), Deadline(_options.IngestTimeout), cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
    }

    /// <summary>
    /// Streams documents to the gateway, which commits them in batches and answers once the last
    /// batch is committed; rejections carry each document's position in the stream.
    /// </summary>
    public Task<IngestResponse> UpsertStreamAsync(IAsyncEnumerable<Document> documents, CancellationToken cancellationToken = default) =>
        Call(async () =>
        {
            using var call = _gateway.UpsertDocumentStream(WriteHeaders(), Deadline(_options.IngestTimeout), cancellationToken: cancellationToken);
            await foreach (var document in documents.WithCancellation(cancellationToken))
            {
                await call.RequestStream.WriteAsync(document, cancellationToken);
            }

            await call.RequestStream.CompleteAsync();
            return await call.ResponseAsync;
        }, cancellationToken);

    /// <summary>Deletes documents by id and returns how many existed.</summary>
    public async Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        var request = new DeleteDocumentsRequest();
        request.DocumentIds.AddRange(ids);
        var response = await Call(() => _gateway.DeleteDocumentsAsync(request, WriteHeaders(), Deadline(_options.AdminTimeout), cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
        return response.Deleted;
    }

    /// <summary>
    /// BM25 passages for <paramref name="query"/> in retrieval's order, without rerank or answer (1..200 passages);
    /// with <paramref name="withSimilarity"/> English hits also carry their cosine to the query (one more model call);
    /// with <paramref name="idsOnly"/> each hit carries its ids, ordinal, language and scores alone (no text, title, url or highlight).
    /// </summary>
    public Task<RetrieveResponse> RetrieveAsync(string query, int topK, bool withSimilarity = false, bool idsOnly = false, CancellationToken cancellationToken = default) =>
        Call(() => _gateway.RetrieveAsync(new RetrieveRequest { Query = query, TopK = topK, WithSimilarity = withSimilarity, IdsOnly = idsOnly }, deadline: Deadline(_options.SearchTimeout), cancellationToken: cancellationToken).ResponseAsync, cancellationToken);

    /// <summary>
    /// <see cref="RetrieveAsync"/>, with what the search cost each service: the gateway returns it in its trailers
    /// (<c>cpu-us-gateway</c>, <c>cpu-us-retrieval</c>), as the costs a search response lists.
    /// </summary>
    public Task<(RetrieveResponse Response, IReadOnlyList<StageCost> Costs)> RetrieveWithCostsAsync(string query, int topK, CancellationToken cancellationToken = default) =>
        Call<(RetrieveResponse, IReadOnlyList<StageCost>)>(async () =>
        {
            using var call = _gateway.RetrieveAsync(new RetrieveRequest { Query = query, TopK = topK }, deadline: Deadline(_options.SearchTimeout), cancellationToken: cancellationToken);
            var response = await call.ResponseAsync;
            var costs = call.GetTrailers()
                .Where(e => !e.IsBinary && e.Key.StartsWith(CostTrailerPrefix, StringComparison.Ordinal))
                .Select(e => new StageCost
                {
                    Stage = e.Key[CostTrailerPrefix.Length..],
                    CpuMs = long.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture) / 1000.0,
                })
                .ToList();
            return (response, costs);
        }, cancellationToken);

    private const string CostTrailerPrefix = "cpu-us-";

    /// <summary>
    /// Records what a person said about an answer box and returns the stored feedback's id; INVALID_ARGUMENT for a bad
    /// request (the message says which field), RESOURCE_EXHAUSTED over the gateway's feedback rate limit.
    /// </summary>
    public async Task<string> FeedbackAsync(FeedbackRequest request, CancellationToken cancellationToken = default)
    {
        var response = await Call(() => _gateway.FeedbackAsync(request, deadline: Deadline(_options.AdminTimeout), cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
        return response.Id;
    }

    /// <summary>
    /// The gateway's reviewed cases as a SQuAD-format file (the review console's export). Needs the reviewer key, which is
    /// not the ingest key: UNAUTHENTICATED without it, PERMISSION_DENIED with the ingest key.
    /// </summary>
    public Task<ExportResponse> ExportReviewsAsync(string reviewKey, CancellationToken cancellationToken = default)
    {
        var review = new Review.ReviewClient(_channel);
        var headers = new Metadata { { ApiKeyMetadata, reviewKey } };
        return Call(() => review.ExportAsync(new ExportRequest(), headers, Deadline(_options.AdminTimeout), cancellationToken).ResponseAsync, cancellationToken);
    }

    /// <summary>Counts of documents and passages in the index.</summary>
    public Task<GetStatsResponse> GetStatsAsync(CancellationToken cancellationToken = default) =>
        Call(() => _gateway.GetStatsAsync(new GetStatsRequest(), deadline: Deadline(_options.AdminTimeout), cancellationToken: cancellationToken).ResponseAsync, cancellationToken);

    public void Dispose()
    {
        if (_ownsChannel)
        {
            _channel.Dispose();
        }
    }

    private async Task<T> Call<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (IsConnectionFailure(e))
        {
            throw new GatewayUnreachableException(Address, e.Status.DebugException ?? e);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // The caller stopped the call (Ctrl-C, a stopped run): say so as .NET does, not as a status the gateway sent.
            // (GrpcChannelOptions.ThrowOperationCanceledOnCancellation would also turn a passed deadline into this.)
            throw new OperationCanceledException("the call was cancelled", e, cancellationToken);
        }
    }

    // A status the gateway sent has no local exception behind it; a failed connection does.
    private static bool IsConnectionFailure(RpcException e) =>
        e.StatusCode == StatusCode.Unavailable
        && e.Status.DebugException is { } debug
        && (debug is HttpRequestException or SocketException || debug.InnerException is HttpRequestException or SocketException);

    /// <summary>Metadata of write calls: the ingest key when one is set.</summary>
    private Metadata? WriteHeaders() =>
        string.IsNullOrEmpty(_options.ApiKey) ? null : new Metadata { { ApiKeyMetadata, _options.ApiKey } };

    private static DateTime Deadline(TimeSpan timeout) => DateTime.UtcNow.Add(timeout);

    private static GrpcChannel CreateChannel(string address, SearchClientOptions options)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"the gateway address must be an absolute http:// or https:// URL, got '{address}'", nameof(address));
        }

        return GrpcChannel.ForAddress(uri, new GrpcChannelOptions { MaxReceiveMessageSize = options.MaxReceiveMessageSize });
    }
}
