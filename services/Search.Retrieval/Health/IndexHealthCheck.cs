using Microsoft.Extensions.Diagnostics.HealthChecks;
using Search.Retrieval.Indexing;

namespace Search.Retrieval.Health;

/// <summary>Ready once the index is open: searches and ingests can be served.</summary>
public sealed class IndexHealthCheck(PassageIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(index.IsOpen
            ? HealthCheckResult.Healthy($"index open at {index.Path}")
            : HealthCheckResult.Unhealthy("index is closed"));
}

/// <summary>Opens the index when the host starts, so a bad data folder fails start-up rather than the first call.</summary>
public sealed class IndexOpener(PassageIndex index, ILogger<IndexOpener> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var stats = index.GetStats();
        logger.LogInformation("Index open at {Path}: {Documents} documents, {Passages} passages", index.Path, stats.Documents, stats.Passages);
        return Task.CompletedTask;
    }

    // The container disposes the index (a singleton) after the server has stopped taking calls.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
