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
