using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Search.Gateway.Grpc;
using Rpc = Search.Contracts.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Gateway.Tests;

/// <summary>
/// A stage whose grpc.health.v1 says NOT_SERVING (starting, warming up) gets no calls from a real gateway host:
/// an optional stage is degraded, retrieval answers 503, as when the stage is down.
/// </summary>
public sealed class StageReadinessTests : IAsyncLifetime
{
    private const string Question = "Who patented the telephone?";
    private FakeStages _stages = null!;
    private FakeStages _warming = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stages = await FakeStages.StartAsync(Cancel);
        _stages.Health = ServingStatus.Serving;
        _warming = await FakeStages.StartAsync(Cancel);
        _warming.Health = ServingStatus.NotServing;
        _stages.Passages = _warming.Passages = [Passage(0, "The telephone was patented by Alexander Graham Bell in 1876.")];
    }

    public async ValueTask DisposeAsync()
    {
        await _stages.DisposeAsync();
        await _warming.DisposeAsync();
    }

    [Fact]
    public async Task ARerankThatIsNotReadyGetsNoCallAndTheResponseIsDegraded()
    {
        await using var gateway = Gateway(rerank: _warming.Address);
        using var http = gateway.CreateClient();
        await SeenAsync(gateway, "rerank", ServingStatus.NotServing);

        using var response = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString(Question), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(["rerank"], json.RootElement.GetProperty("degraded").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("doc-0#0", json.RootElement.GetProperty("results")[0].GetProperty("passage_id").GetString());
        Assert.Equal(0, _warming.Calls.GetValueOrDefault("rerank"));
        Assert.Equal(1, _stages.Calls.GetValueOrDefault("retrieval"));
    }

    [Fact]
    public async Task ARetrievalThatIsNotReadyGetsNoCallAndTheSearchIs503()
    {
        await using var gateway = Gateway(retrieval: _warming.Address);
        using var http = gateway.CreateClient();
        await SeenAsync(gateway, "retrieval", ServingStatus.NotServing);

        using var response = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString(Question), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("retrieval", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(0, _warming.Calls.GetValueOrDefault("retrieval"));
    }

    [Fact]
    public async Task AStageIsCalledAgainOnceItsHealthSaysServing()
    {
        await using var gateway = Gateway(rerank: _warming.Address);
        using var http = gateway.CreateClient();
        await SeenAsync(gateway, "rerank", ServingStatus.NotServing);

        _warming.Health = ServingStatus.Serving;
        await SeenAsync(gateway, "rerank", ServingStatus.Serving);
        using var response = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString(Question), Cancel);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Empty(json.RootElement.GetProperty("degraded").EnumerateArray());
        Assert.Equal(1, _warming.Calls.GetValueOrDefault("rerank"));
    }

    [Fact]
    public async Task TheGatewayIsReadyOnlyOnceRetrievalIsWhileAnOptionalStageMayStillWarm()
    {
        await using var retrieval = await FakeStages.StartAsync(Cancel);
        retrieval.Health = ServingStatus.NotServing;
        await using var gateway = Gateway(retrieval: retrieval.Address, rerank: _warming.Address);
        using var http = gateway.CreateClient();
        await SeenAsync(gateway, "retrieval", ServingStatus.NotServing);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live", Cancel)).StatusCode);

        retrieval.Health = ServingStatus.Serving;
        await gateway.Services.GetRequiredService<WarmUpGate>().WhenWarm.WaitAsync(TimeSpan.FromMinutes(1), Cancel);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready", Cancel)).StatusCode);
        Assert.Equal(ServingStatus.NotServing, gateway.Services.GetRequiredService<StageReadiness>().StatusOf("rerank"));
    }

    /// <summary>Waits until the gateway's poll has read <paramref name="status"/> from <paramref name="stage"/>.</summary>
    private static async Task SeenAsync(IsolatedGateway gateway, string stage, ServingStatus status)
    {
        var readiness = gateway.Services.GetRequiredService<StageReadiness>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        while (readiness.StatusOf(stage) != status)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private IsolatedGateway Gateway(string? retrieval = null, string? rerank = null) => _stages.Gateway(
        ("Gateway:RetrievalAddress", retrieval ?? _stages.Address),
        ("Gateway:RerankAddress", rerank ?? _stages.Address));

    private static Rpc.ScoredPassage Passage(int i, string text) => new()
    {
        Passage = new Rpc.Passage { PassageId = $"doc-{i}#0", DocumentId = $"doc-{i}", Title = $"Doc {i}", Text = text, Language = Rpc.Language.En },
        Score = 10 - i,
        RetrievalScore = 10 - i,
    };
}
