using System.Net;
using System.Text.Json;

namespace Search.Gateway.Tests;

/// <summary>The per-stage circuit breaker in a real gateway host whose retrieval address is a closed port.</summary>
public sealed class StageResilienceTests
{
    [Fact]
    public async Task RepeatedRetrievalFailuresOpenTheCircuitSoRequestsFailAtOnceWithAMessage()
    {
        await using var gateway = new IsolatedGateway();
        using var http = gateway.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        var details = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            using var response = await http.GetAsync("/api/search?q=who+invented+the+telephone", ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            details.Add(json.RootElement.GetProperty("detail").GetString() ?? "");
        }

        // Before the breaker has seen enough calls, each failure is the connection's own.
        Assert.DoesNotContain("left alone", details[0], StringComparison.Ordinal);
        Assert.Contains("left alone", details[^1], StringComparison.Ordinal);
    }
}
