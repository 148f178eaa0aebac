using Search.Gateway.Caching;
using Search.Gateway.Grpc;
using Search.Gateway.Pipeline;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Gateway;

/// <summary>
/// Opens the answer cache's Redis connection (when one is configured) and reads every stage's health,
/// which opens the HTTP/2 connections the stage clients use, then waits for retrieval to be ready: without
/// it no search can be answered. Optional stages that are down or still warming are not waited for; the
/// pipeline degrades them until they are ready.
/// </summary>
public sealed class GatewayWarmUp(AnswerCache cache, StageReadiness stages, ILogger<GatewayWarmUp> logger) : IWarmUp
{
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        await cache.WarmAsync(cancellationToken);
        await stages.CheckAllAsync(cancellationToken);
        while (stages.StatusOf(Stages.Retrieval) != ServingStatus.Serving)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            await stages.CheckAllAsync(cancellationToken);
        }

        var waiting = StageReadiness.StageNames.Where(s => stages.StatusOf(s) != ServingStatus.Serving).ToList();
        if (waiting.Count > 0)
        {
            logger.LogInformation("Not ready yet, degraded until they are: {Stages}", string.Join(", ", waiting));
        }
    }
}
