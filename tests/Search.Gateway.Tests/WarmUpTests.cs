using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Search.Gateway.QueryLog;
using Rpc = Search.Contracts.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Gateway.Tests;

/// <summary>
/// Before it reports ready, the gateway runs its warm-up searches through every ready stage, and they are not traffic:
/// nothing in the query log, nothing in the response metrics.
/// </summary>
/// <remarks>
/// Runs alone: the metrics any gateway host in this test process exports include the other hosts' instruments of the same
/// name, so a search in a test running beside it showed up as a response here.
/// </remarks>
[Collection(nameof(ProcessWideMetrics))]
public sealed class WarmUpTests : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("warm-up-");
    private FakeStages _stages = null!;

    public async ValueTask InitializeAsync()
    {
        _stages = await FakeStages.StartAsync(TestContext.Current.CancellationToken);
        _stages.Health = ServingStatus.Serving;
        _stages.Passages = [new Rpc.ScoredPassage { Passage = new Rpc.Passage { PassageId = "d#0", DocumentId = "d", Text = "Ada Lovelace wrote it." }, Score = 1, RetrievalScore = 1 }];
    }

    public async ValueTask DisposeAsync()
    {
        await _stages.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

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
        // Two rounds of seven questions, each retrieved and reranked; only the five English ones end in "?" for the
        // scripted router, so they alone were answered.
        Assert.Equal(14, _stages.Retrievals);
        Assert.Equal(14, _stages.RerankRequests.Count);
        Assert.Equal(10, _stages.AnswerRequests.Count);
    }

    [Fact]
    public async Task OnAnEmptyIndexTheWarmUpStillReachesRerankAndAnswer()
    {
        var ct = TestContext.Current.CancellationToken;
        _stages.Passages = [];
        await using var gateway = _stages.Gateway(("Gateway:WarmUpSearches", "1"));

        await gateway.Services.GetRequiredService<WarmUpGate>().WhenWarm.WaitAsync(TimeSpan.FromMinutes(1), ct);

        // Each question's own passage, once per question, since retrieval found none.
        Assert.Equal(7, _stages.Retrievals);
        Assert.Equal(7, _stages.RerankRequests.Count);
        Assert.Equal(7, _stages.AnswerRequests.Count);
        Assert.All(_stages.AnswerRequests, r => Assert.Single(r.Passages));
    }

    [Fact]
    public async Task WarmUpSearchesAreNeitherLoggedNorCountedAsResponses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = _stages.Gateway(
            ("Gateway:WarmUpSearches", "2"),
            ("Gateway:Feedback:Database", Path.Combine(_folder.FullName, "feedback.db")));
        using var http = gateway.CreateClient();
        await gateway.Services.GetRequiredService<WarmUpGate>().WhenWarm.WaitAsync(TimeSpan.FromMinutes(1), ct);
        var (_, warmMetrics) = await gateway.GetOnPortAsync("/metrics", IsolatedGateway.MetricsPort, ct);

        // Someone's search: once it is in the log (written in order, off the request path), anything queued before is too.
        using var searched = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString("Who wrote it?"), ct);
        searched.EnsureSuccessStatusCode();
        var log = gateway.Services.GetRequiredService<IQueryLogStore>();
        await HarwickReview.WaitUntilAsync(async () => (await log.ListAsync(10, ct)).Count > 0);
        var metrics = "";
        await HarwickReview.WaitUntilAsync(async () =>
            (metrics = (await gateway.GetOnPortAsync("/metrics", IsolatedGateway.MetricsPort, ct)).Body).Contains("search_responses_total", StringComparison.Ordinal));

        // Two rounds of seven questions went through the stages, then the one search.
        Assert.Equal(15, _stages.Retrievals);
        Assert.Equal(["Who wrote it?"], (await log.ListAsync(10, ct)).Select(e => e.Query));
        Assert.DoesNotContain("search_responses_total", warmMetrics, StringComparison.Ordinal);
        Assert.DoesNotContain("search_stage_duration", warmMetrics, StringComparison.Ordinal);
        Assert.Contains("search_stage_duration", metrics, StringComparison.Ordinal);
    }
}

/// <summary>Tests that read the process's metrics run after every other test of the assembly, one at a time.</summary>
[CollectionDefinition(nameof(ProcessWideMetrics), DisableParallelization = true)]
public sealed class ProcessWideMetrics;
