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
/// <para>Warm-up searches are not traffic: they call the pipeline itself, never <see cref="CachedSearch"/> or a stream
/// endpoint, which are where a search is cached, counted in the response metrics and recorded in the query log. No
/// REST or gRPC request reaches the pipeline any other way.</para>
/// </summary>
public sealed class GatewayWarmUp(
    AnswerCache cache, StageReadiness stages, IServiceScopeFactory scopes, Deadlines deadlines, IOptions<GatewayOptions> options,
    ILogger<GatewayWarmUp> logger)
    : IWarmUp
{
    /// <summary>A question per script, with a passage that answers it for the stages an empty index leaves out.</summary>
    private static readonly (string Question, string Passage)[] Questions =
    [
        ("Who wrote the first computer program?", "Ada Lovelace wrote the first computer program, for the Analytical Engine, in 1843."),
        ("光合作用发生在细胞的哪个部分？", "光合作用发生在植物细胞的叶绿体中。"),
        ("台北101有多高？", "台北101高508公尺，共有101層樓。"),
    ];

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
        var stageClients = scope.ServiceProvider.GetRequiredService<ISearchStages>();
        for (var round = 0; round < options.Value.WarmUpSearches; round++)
        {
            foreach (var (question, passage) in Questions)
            {
                try
                {
                    var response = await pipeline.SearchAsync(new SearchQuery(question, null, 0, IncludeAbstained: false), null, cancellationToken);
                    _ = ApiResults.Format(response.ToWire());
                    if (response.Results.Count == 0)
                    {
                        await RerankAndAnswerAsync(stageClients, response.Route, passage, cancellationToken);
                    }
                }
                catch (Exception e) when (e is StageUnavailableException or OverloadedException or RpcException)
                {
                    logger.LogWarning("Warm-up search failed: {Message}", e.Message);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// An empty index (a first start, before anything is ingested) leaves rerank and answer out of every search: they
    /// are sent the question's own passage instead, so the first search after an ingest does not pay for them.
    /// A stage that is not ready yet is degraded until it is, as in a search.
    /// </summary>
    private async Task RerankAndAnswerAsync(ISearchStages stageClients, QueryRoute route, string text, CancellationToken cancellationToken)
    {
        var passage = new Passage("warm-up#0", "warm-up", 0, "", "", text, route.Language, 0, text.Length);
        RankedPassage[] candidates = [new(passage, 1, 1, null, null)];
        try
        {
            await stageClients.RerankAsync(route, candidates, deadlines.Earliest(null, options.Value.RerankTimeoutMs), cancellationToken);
            await stageClients.AnswerAsync(route, candidates, deadlines.Earliest(null, options.Value.AnswerTimeoutMs), cancellationToken);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Warm-up call left out: {Status} {Detail}", e.StatusCode, e.Status.Detail);
        }
    }
}
