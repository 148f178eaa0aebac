using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Search.LoadTest.Targets;

/// <summary>
/// GET /api/search?q=&amp;lang=&amp;k= on one shared HttpClient whose pool may open a connection per request in
/// flight (HTTP/1.1 has no multiplexing), each request cancelled after the timeout.
/// </summary>
public sealed class RestTarget : ISearchTarget
{
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly string _fixedParameters;

    public RestTarget(Uri target, string? language, int k, TimeSpan timeout, int maxConnections)
    {
        _timeout = timeout;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            ConnectTimeout = timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            UseCookies = false,
        };
        // A trailing slash so a target with a path prefix (behind a proxy) keeps it.
        var baseAddress = target.AbsoluteUri.EndsWith('/') ? target : new Uri(target.AbsoluteUri + "/");
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var parameters = new StringBuilder();
        if (!string.IsNullOrEmpty(language))
        {
            parameters.Append("&lang=").Append(Uri.EscapeDataString(language));
        }

        if (k > 0)
        {
            parameters.Append("&k=").Append(k.ToString(CultureInfo.InvariantCulture));
        }

        _fixedParameters = parameters.ToString();
    }

    public async Task<RequestOutcome> SearchAsync(string query, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.GetAsync($"api/search?q={Uri.EscapeDataString(query)}{_fixedParameters}", HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return RequestOutcome.Failure(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return Parse(body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RequestOutcome.Failure(ErrorKinds.Timeout);
        }
        catch (HttpRequestException e) when (e.InnerException is TimeoutException)
        {
            return RequestOutcome.Failure(ErrorKinds.Timeout);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
        {
            return RequestOutcome.Failure(ErrorKinds.Connection);
        }
    }

    /// <summary>Reads what the load report counts from a REST search response (proto3 JSON, snake_case names).</summary>
    public static RequestOutcome Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var json = JsonDocument.ParseValue(ref reader);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return RequestOutcome.Failure(ErrorKinds.InvalidResponse);
            }

            var cached = root.TryGetProperty("cached", out var c) && c.ValueKind == JsonValueKind.True;
            List<string> degraded = [];
            if (root.TryGetProperty("degraded", out var stages) && stages.ValueKind == JsonValueKind.Array)
            {
                degraded.AddRange(stages.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!));
            }

            var hasAnswer = root.TryGetProperty("answer", out var answer) && answer.ValueKind == JsonValueKind.Object;
            List<KeyValuePair<string, double>> costs = [];
            if (root.TryGetProperty("costs", out var reported) && reported.ValueKind == JsonValueKind.Array)
            {
                costs.AddRange(reported.EnumerateArray()
                    .Where(c => c.ValueKind == JsonValueKind.Object && c.TryGetProperty("stage", out _) && c.TryGetProperty("cpu_ms", out _))
                    .Select(c => KeyValuePair.Create(c.GetProperty("stage").GetString() ?? "", c.GetProperty("cpu_ms").GetDouble())));
            }

            return RequestOutcome.Success(cached, degraded, hasAnswer) with { Costs = costs };
        }
        catch (JsonException)
        {
            return RequestOutcome.Failure(ErrorKinds.InvalidResponse);
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
