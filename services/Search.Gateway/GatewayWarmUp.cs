using Grpc.Core;
using Microsoft.Extensions.Options;
using Search.Gateway.Api;
using Search.Gateway.Caching;
using Search.Gateway.Grpc;
using Search.Gateway.Pipeline;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Gateway;

/// <summary>
/// Opens the answer cache's Redis connection (when one is configured) and reads every stage's health,
/// which opens the HTTP/2 connections the stage clients use, then waits for retrieval to be ready: without
/// it no search can be answered. Optional stages that are down or still warming are not waited for; the
/// pipeline degrades them until they are ready. Last, a few searches run through the pipeline
/// (<see cref="GatewayOptions.WarmUpSearches"/>).
/// </summary>
public sealed class GatewayWarmUp(
    AnswerCache cache, StageReadiness stages, IServiceScopeFactory scopes, IOptions<GatewayOptions> options, ILogger<GatewayWarmUp> logger)
    : IWarmUp
{
    private static readonly string[] Questions = ["Who wrote the first computer program?", "光合作用发生在细胞的哪个部分？", "台北101有多高？"];

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

        await SearchAsync(cancellationToken);
    }

    /// <summary>
    /// Runs the search path end to end, past the cache and with the REST answer's JSON, so the gateway's code and
    /// every ready stage's request handling are compiled before the first user arrives.
    /// </summary>
    private async Task SearchAsync(CancellationToken cancellationToken)
    {
        // The pipeline and its stage clients are scoped, as for a request.
        await using var scope = scopes.CreateAsyncScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<SearchPipeline>();
        for (var round = 0; round < options.Value.WarmUpSearches; round++)
        {
            foreach (var question in Questions)
            {
                try
                {
                    var response = await pipeline.SearchAsync(new SearchQuery(question, null, 0, IncludeAbstained: false), null, cancellationToken);
                    _ = ApiResults.Format(response.ToWire());
                }
                catch (Exception e) when (e is StageUnavailableException or OverloadedException or RpcException)
                {
                    logger.LogWarning("Warm-up search failed: {Message}", e.Message);
                    return;
                }
            }
        }
    }
}
