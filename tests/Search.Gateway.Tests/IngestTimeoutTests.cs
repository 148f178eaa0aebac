using System.Net;
using System.Text;
using System.Text.Json;

namespace Search.Gateway.Tests;

/// <summary>REST ingest against a retrieval that never acknowledges: the ingest deadline ends it with a message naming the setting.</summary>
public sealed class IngestTimeoutTests
{
    [Fact]
    public async Task AnIngestThatOutlivesItsBudgetIs503NamingTheSetting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stages = await FakeStages.StartAsync(ct);
        await using var gateway = new IsolatedGateway(
            ("Gateway:RetrievalAddress", stages.Address), ("Gateway:IngestApiKey", "key"), ("Gateway:IngestTimeoutMs", "1000"));
        using var http = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents")
        {
            Content = new StringContent("{\"id\":\"a\",\"text\":\"x\"}", Encoding.UTF8, "application/x-ndjson"),
        };
        request.Headers.Add("X-Api-Key", "key");

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Contains("Gateway:IngestTimeoutMs", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
