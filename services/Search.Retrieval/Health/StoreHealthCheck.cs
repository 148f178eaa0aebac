using Microsoft.Extensions.Diagnostics.HealthChecks;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Health;

/// <summary>Ready while the passage store can serve searches and ingests.</summary>
public sealed class StoreHealthCheck(IPassageStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (healthy, reason) = await store.CheckHealthAsync(cancellationToken);
        return healthy ? HealthCheckResult.Healthy(reason) : HealthCheckResult.Unhealthy(reason);
    }
}

/// <summary>Opens the store when the host starts, so a bad data folder or cluster address fails start-up rather than the first call.</summary>
public sealed class StoreOpener(IPassageStore store, ILogger<StoreOpener> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stats = await store.OpenAsync(cancellationToken);
        logger.LogInformation("{Store}: {Documents} documents, {Passages} passages", store.Description, stats.Documents, stats.Passages);
    }

    // The container disposes the store (a singleton) after the server has stopped taking calls.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
