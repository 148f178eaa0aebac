using System.Net;
using System.Security.Cryptography;
using Search.EndToEnd.Tests.Otlp;

namespace Search.EndToEnd.Tests;

/// <summary>A cluster exporting its telemetry over OTLP to a receiver the fixture runs.</summary>
public sealed class TelemetryClusterFixture : ClusterFixture
{
    public OtlpReceiver Receiver { get; } = new();

    protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        // Export every 200 ms instead of every 5 s, so the test does not wait long.
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Client.UpsertAsync([new Search.Contracts.V1.Document { Id = "trace-doc", Text = "The fizzletop lamp was invented by Rune Dahl in 1950." }]);
        // A search through every stage, so every service has served a request and the gateway has counted a response.
        using var searched = await Http.GetAsync("/api/search?q=" + Uri.EscapeDataString("Who invented the fizzletop lamp?"));
        searched.EnsureSuccessStatusCode();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>Observability across the five services: one trace per request, and a Prometheus scrape on each.</summary>
public sealed class TelemetryTests(TelemetryClusterFixture fixture) : IClassFixture<TelemetryClusterFixture>
{
    private static readonly string[] Services = ["Search.Gateway", "Search.Router", "Search.Retrieval", "Search.Rerank", "Search.Answer"];

    [Fact]
    public async Task OneRequestIsOneTraceWithSpansFromAllFiveServices()
    {
        var ct = TestContext.Current.CancellationToken;
        // The caller starts the trace, as a front end with its own tracing would.
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/search?q=" + Uri.EscapeDataString("Who invented the fizzletop lamp?"));
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
        using var response = await fixture.Http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var until = DateTime.UtcNow.AddSeconds(30);
        HashSet<string> seen = [];
        while (DateTime.UtcNow < until)
        {
            seen = fixture.Receiver.Spans.Where(s => s.TraceId == traceId).Select(s => s.Service).ToHashSet();
            if (Services.All(seen.Contains))
            {
                break;
            }

            await Task.Delay(200, ct);
        }

        Assert.True(Services.All(seen.Contains), $"spans of trace {traceId} came from [{string.Join(", ", seen)}]; expected all of [{string.Join(", ", Services)}]");
    }

    [Theory]
    [InlineData("Gateway")]
    [InlineData("Router")]
    [InlineData("Retrieval")]
    [InlineData("Rerank")]
    [InlineData("Answer")]
    public async Task EveryServiceServesAPrometheusScrape(string service)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var port = fixture.Cluster.Options.Ports.MetricsPortOf(service);

        var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", ct);

        // ASP.NET Core's request duration is there for every service (the fixture's search made requests to all).
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        if (service == "Gateway")
        {
            Assert.Contains("search_stage_duration_milliseconds", text, StringComparison.Ordinal);
            Assert.Contains("search_responses_total", text, StringComparison.Ordinal);
        }
    }
}
