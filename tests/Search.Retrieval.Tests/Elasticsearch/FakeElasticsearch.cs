using System.Text;
using System.Text.Json.Nodes;
using Elastic.Transport;

namespace Search.Retrieval.Tests.Elasticsearch;

/// <summary>One request as the client sent it: method, path, query string, body and authentication scheme.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string Body, string? AuthScheme)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException($"{Method} {Path} has no JSON body");

    /// <summary>The lines of an NDJSON body (_bulk), each parsed.</summary>
    public IReadOnlyList<JsonNode> Lines =>
        Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();

    public bool HasParameter(string name, string value) =>
        Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Contains($"{name}={value}", StringComparer.Ordinal);

    public override string ToString() => $"{Method} {Path}{Query}";
}

/// <summary>An answer: an HTTP status with a JSON body, or a connection that fails.</summary>
public sealed record Reply(int Status, string Json = "", Exception? Failure = null)
{
    public static Reply Ok(string json) => new(200, json);

    public static Reply Refused { get; } = new(0, "", new HttpRequestException("Connection refused (es.test:9200)"));
}

/// <summary>
/// Elasticsearch at the transport level: routes each request by method and exact path to an answer in real
/// Elasticsearch JSON and records every request with its body. Every answer carries the product header the client
/// checks (x-elastic-product: Elasticsearch). Later routes win, so a test overrides the defaults it cares about;
/// a request no route knows gets a 500 naming it, which fails the test that sent it.
/// </summary>
public sealed class FakeElasticsearch : IRequestInvoker
{
    private static readonly Dictionary<string, IEnumerable<string>> ProductHeader = new() { ["x-elastic-product"] = ["Elasticsearch"] };
    private readonly List<(string Method, string Path, Func<RecordedRequest, Reply> Answer)> _routes = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _lock = new();

    public ResponseFactory ResponseFactory => throw new NotSupportedException("the fake answers requests itself");

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return _requests.ToList();
            }
        }
    }

    public IReadOnlyList<RecordedRequest> To(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path).ToList();

    public FakeElasticsearch On(string method, string path, Func<RecordedRequest, Reply> answer)
    {
        lock (_lock)
        {
            _routes.Insert(0, (method, path, answer));
        }

        return this;
    }

    public FakeElasticsearch On(string method, string path, Reply reply) => On(method, path, _ => reply);

    public TResponse Request<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData)
        where TResponse : TransportResponse, new() =>
        RequestAsync<TResponse>(endpoint, boundConfiguration, postData, CancellationToken.None).GetAwaiter().GetResult();

    public async Task<TResponse> RequestAsync<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData, CancellationToken cancellationToken)
        where TResponse : TransportResponse, new()
    {
        var body = "";
        if (postData is not null)
        {
            using var buffer = new MemoryStream();
            await postData.WriteAsync(buffer, boundConfiguration.ConnectionSettings, disableDirectStreaming: true, cancellationToken);
            body = Encoding.UTF8.GetString(buffer.ToArray());
        }

        var pathAndQuery = "/" + endpoint.PathAndQuery.TrimStart('/');
        var queryAt = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var request = new RecordedRequest(
            endpoint.Method.ToString(),
            queryAt < 0 ? pathAndQuery : pathAndQuery[..queryAt],
            queryAt < 0 ? "" : pathAndQuery[queryAt..],
            body,
            boundConfiguration.AuthenticationHeader?.AuthScheme);

        Func<RecordedRequest, Reply>? answer;
        lock (_lock)
        {
            _requests.Add(request);
            answer = _routes.FirstOrDefault(r => r.Method == request.Method && r.Path == request.Path).Answer;
        }

        var reply = answer?.Invoke(request) ?? new Reply(500, EsJson.Error(500, "fake_no_route", $"the fake has no route for {request}"));
        var bytes = Encoding.UTF8.GetBytes(reply.Json);
        var responder = new InMemoryRequestInvoker(bytes, reply.Status, reply.Failure, "application/json", ProductHeader);
        // The body is already consumed above; the responder only builds the answer.
        return await responder.BuildResponseAsync<TResponse>(endpoint, boundConfiguration, null!, cancellationToken, bytes, reply.Status, "application/json");
    }

    public void Dispose()
    {
    }

    /// <summary>A healthy cluster whose alias already points at the current index, holding nothing.</summary>
    public static FakeElasticsearch Healthy(string alias = "search-passages", string index = "search-passages-v2") => new FakeElasticsearch()
        .On("GET", "/_cluster/health", Reply.Ok(EsJson.Health("green")))
        .On("HEAD", $"/_alias/{alias}", new Reply(200))
        .On("GET", $"/_alias/{alias}", Reply.Ok(EsJson.AliasOf(index, alias)))
        .On("POST", $"/{alias}/_count", Reply.Ok(EsJson.Count(0)))
        .On("POST", $"/{alias}/_delete_by_query", Reply.Ok(EsJson.DeleteByQuery(0)))
        .On("POST", $"/{alias}/_bulk", request => Reply.Ok(EsJson.BulkCreated(request)))
        .On("POST", $"/{alias}/_search", Reply.Ok(EsJson.Search(0)));
}
