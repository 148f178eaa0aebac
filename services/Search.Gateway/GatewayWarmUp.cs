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
/// pipeline degrades them until they are ready. Last, a few rounds of searches (<see cref="GatewayOptions.WarmUpSearches"/>):
/// the first the way a request's go, through the answer cache and the pipeline, the others through the pipeline.
/// <para>Warm-up searches are not traffic: they go through <see cref="CachedSearch.WarmAsync"/>, which is not counted in
/// the metrics or recorded in the query log. Without the cache's part warmed, the first search after start cost the
/// gateway about 300 ms of CPU (compiling it), and a cold start at 50 q/s refused 6-36 of its first requests with 503
/// (seven runs of tools/measure-overload.sh on 2026-12-04; none in four runs after).</para>
/// </summary>
public sealed class GatewayWarmUp(
    AnswerCache cache, CachedSearch search, StageReadiness stages, IServiceScopeFactory scopes, Deadlines deadlines, IOptions<GatewayOptions> options,
    ILogger<GatewayWarmUp> logger)
    : IWarmUp
{
    /// <summary>
    /// Questions in each script, with a passage that answers each for the stages an empty index leaves out. The English
    /// ones ask for different kinds of answer (a person, a date, a number, a place, a thing), whose paths through the
    /// router and the answer stage differ.
    /// </summary>
    private static readonly (string Question, string Passage)[] Questions =
    [
        ("Who wrote the first computer program?", "Ada Lovelace wrote the first computer program, for the Analytical Engine, in 1843."),
        ("When did the Analytical Engine's first program appear?", "The first program for the Analytical Engine appeared in 1843."),
        ("How many bells does the Zolvarin tower hold?", "The Zolvarin tower holds 14 bells, cast in 1902."),
        ("Where is the Zolvarin tower?", "The Zolvarin tower stands in the old market square of Brisk."),
        ("What is a lighthouse?", "A lighthouse is a tower with a bright lamp that guides ships at night."),
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
                    // The first round goes the way a request goes, through the answer cache; later rounds would be cache hits
                    // there, so they run the pipeline itself.
                    var query = new SearchQuery(question, null, 0, IncludeAbstained: false);
                    var response = round == 0
                        ? await search.WarmAsync(query, cancellationToken)
                        : await pipeline.SearchAsync(query, null, cancellationToken);
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
            await stageClients.AnswerAsync(route, candidates, skipReader: false, deadlines.Earliest(null, options.Value.AnswerTimeoutMs), cancellationToken);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Warm-up call left out: {Status} {Detail}", e.StatusCode, e.Status.Detail);
        }
    }
}
