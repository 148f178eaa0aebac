using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rpc = Search.Contracts.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Gateway.Tests;

/// <summary>Before it reports ready, the gateway runs its warm-up searches through every ready stage.</summary>
public sealed class WarmUpTests : IAsyncLifetime
{
    private FakeStages _stages = null!;

    public async ValueTask InitializeAsync()
    {
        _stages = await FakeStages.StartAsync(TestContext.Current.CancellationToken);
        _stages.Health = ServingStatus.Serving;
        _stages.Passages = [new Rpc.ScoredPassage { Passage = new Rpc.Passage { PassageId = "d#0", DocumentId = "d", Text = "Ada Lovelace wrote it." }, Score = 1, RetrievalScore = 1 }];
    }

    public async ValueTask DisposeAsync() => await _stages.DisposeAsync();

    [Fact]
    public async Task TheGatewayIsReadyOnlyAfterItsWarmUpSearchesWentThroughTheStages()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = _stages.Gateway(
            ("Gateway:WarmUpSearches", "2"));
        using var http = gateway.CreateClient();

        await gateway.Services.GetRequiredService<WarmUpGate>().WhenWarm.WaitAsync(TimeSpan.FromMinutes(1), ct);
        using var ready = await http.GetAsync("/health/ready", ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        // Two rounds of three questions, each retrieved and reranked; only the English one ends in "?" for the
        // scripted router, so it alone was answered.
        Assert.Equal(6, _stages.Retrievals);
        Assert.Equal(6, _stages.RerankRequests.Count);
        Assert.Equal(2, _stages.AnswerRequests.Count);
    }
}
