using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Search.Gateway.Pipeline;
using Search.Gateway.QueryLog;
using Search.Gateway.Review;
using Search.Text;

namespace Search.Gateway.Caching;

/// <summary>
/// The search pipeline behind the answer cache. A hit is served from Redis; identical misses that
/// arrive together run the pipeline once and share its response (no stampede). Degraded responses
/// are never cached: a stage that is back should be used at once.
/// <para>A shared run has a deadline of its own, the service's budget (Gateway:RequestTimeoutMs), never a caller's:
/// each caller waits for it only up to its own deadline, so one caller's short deadline fails that caller alone. A
/// caller whose deadline ends before the budget does not start a shared run: it joins one that ends in time, or runs
/// alone under its own deadline (the pipeline then degrades to fit it).</para>
/// </summary>
public sealed class CachedSearch(
    AnswerCache cache, IServiceScopeFactory scopes, GatewayMetrics metrics, QueryLogWriter queryLog, ReviewRules reviews,
    Deadlines deadlines, IOptions<GatewayOptions> options)
{
    /// <summary>How long a finished run still serves identical requests (<see cref="Retire"/>).</summary>
    private static readonly TimeSpan RecentRun = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, SharedRun> _running = new(StringComparer.Ordinal);

    /// <summary>
    /// The response with what it cost (<see cref="SearchResponse.Costs"/>): the gateway's CPU on this request and each
    /// stage's reported CPU for the stage calls made for it. A hit, or a response another request computed, cost
    /// this request only the gateway's part, and says so: the stages' work is counted once, by the request that ran it.
    /// </summary>
    public async Task<SearchResponse> SearchAsync(SearchQuery query, DateTime? callerDeadline, CancellationToken ct)
    {
        using var cost = CallCost.Begin();
        var (response, servedBy) = await ServeAsync(query, callerDeadline, ct);
        response = response with { Costs = RequestCosts.Of(cost) };
        metrics.RecordResponse(response, servedBy);
        queryLog.Record(response);
        return response;
    }

    /// <summary>
    /// For the gateway's warm-up: the path of <see cref="SearchAsync"/> (the review rules, the cache's lookup and store,
    /// a shared run, the costs), so its code is compiled before the first user arrives, without what makes a search
    /// traffic: nothing is counted in the metrics or recorded in the query log. What it stores in the cache is what the
    /// pipeline answered, and any document change drops it as it drops every answer.
    /// </summary>
    public async Task<SearchResponse> WarmAsync(SearchQuery query, CancellationToken ct)
    {
        using var cost = CallCost.Begin();
        var (response, _) = await ServeAsync(query, null, ct, traffic: false);
        return response with { Costs = RequestCosts.Of(cost) };
    }

    private async Task<(SearchResponse Response, string ServedBy)> ServeAsync(SearchQuery query, DateTime? callerDeadline, CancellationToken ct, bool traffic = true)
    {
        var reviewKey = ReviewQueries.Key(query.Query);
        query = reviews.Apply(query);
        var hash = KeyOf(query, query.Review.Revision);
        var lookup = await cache.LookupAsync(hash);
        if (lookup.Hit is { } stored)
        {
            return (stored with { Cached = true }, "cache");
        }

        // Runs are shared only between requests that saw the same document changes.
        var runKey = $"{hash}:{lookup.Stamp?.Epoch}:{cache.LocalEpoch}";
        var budget = options.Value.RequestTimeoutMs;
        var sharedDeadline = deadlines.Earliest(null, budget);
        if (deadlines.Earliest(callerDeadline, budget) < sharedDeadline)
        {
            // A short deadline: a run already going that ends in time will do; otherwise this caller runs alone.
            if (_running.TryGetValue(runKey, out var going) && going.Deadline <= callerDeadline!.Value.ToUniversalTime())
            {
                var joined = await going.Response.Value.WaitAsync(ct);
                return (joined with { Cached = true }, "coalesced");
            }

            return (await RunAsync(query, callerDeadline, hash, reviewKey, lookup.Stamp, traffic, shared: null), "pipeline");
        }

        SharedRun run = null!;
        run = new SharedRun(sharedDeadline, new Lazy<Task<SearchResponse>>(() => RunAsync(query, sharedDeadline, hash, reviewKey, lookup.Stamp, traffic, run)));
        var shared = _running.GetOrAdd(runKey, run);
        try
        {
            // The run goes on without a caller that gives up (its deadline, or a closed connection); the others keep waiting.
            var response = await shared.Response.Value.WaitAsync(ct);
            if (!ReferenceEquals(shared, run))
            {
                // Another request computed it.
                response = response with { Cached = true };
            }

            return (response, response.Cached ? "coalesced" : "pipeline");
        }
        finally
        {
            if (ReferenceEquals(shared, run))
            {
                Retire(runKey, run);
            }
        }
    }

    /// <summary>
    /// A run that answered cleanly stays joinable for <see cref="RecentRun"/> after it ends, so a request that looked
    /// the cache up just before the run stored its answer gets that answer instead of running the pipeline again. (This
    /// replaced a second cache lookup at the start of every run: a Redis round trip on every miss to close a gap that
    /// only bursts of identical questions ever fall into.) The key holds the document changes the run saw, so a write
    /// in between sends later requests to a run of their own. A run whose answer was not stored is dropped at once: a
    /// failed or degraded run (never cached), and every run while the cache is off, full or unreachable (no gap to close,
    /// and while Redis is full answers stay uncached, never served from memory).
    /// </summary>
    private void Retire(string runKey, SharedRun run)
    {
        // A run its starter gave up on (a deadline, a closed connection) is dropped at once, as before: new requests
        // start their own rather than wait on one that may be stuck.
        var response = run.Response.Value;
        if (!run.Stored || !response.IsCompletedSuccessfully)
        {
            _running.TryRemove(new KeyValuePair<string, SharedRun>(runKey, run));
            return;
        }

        _ = Task.Delay(RecentRun).ContinueWith(
            _ => _running.TryRemove(new KeyValuePair<string, SharedRun>(runKey, run)), TaskScheduler.Default);
    }

    /// <summary>
    /// The cache key: the query as the pipeline will read it (normalised), the language hint, the
    /// options and the revision of the query's review (<see cref="QueryReview.Revision"/>), hashed so any
    /// text makes a short, safe key.
    /// </summary>
    public static string KeyOf(SearchQuery query, string reviewRevision = "")
    {
        var text = string.Join('\u001f', TextNormalizer.Normalize(query.Query ?? ""), query.Language ?? "", query.K, query.IncludeAbstained, reviewRevision);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <param name="deadline">The run's own: the service budget for a shared run, the caller's for one that runs alone.</param>
    /// <param name="traffic">False for the warm-up's runs: their stage timings are not counted.</param>
    /// <param name="shared">The shared run this is, told whether its answer was stored; null for a caller running alone.</param>
    private async Task<SearchResponse> RunAsync(
        SearchQuery query, DateTime? deadline, string hash, string reviewKey, CacheStamp? stamp, bool traffic, SharedRun? shared)
    {
        // The shared run must not die with the first caller's cancellation; its own deadline bounds it.
        await using var scope = scopes.CreateAsyncScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<SearchPipeline>();
        var response = await pipeline.SearchAsync(query, deadline, CancellationToken.None);
        if (traffic)
        {
            metrics.RecordStages(response);
        }

        if (stamp is not null && response.Degraded.Count == 0)
        {
            var cited = response.Results.Select(r => r.DocumentId)
                .Concat(response.Answer?.Passage is { } p ? [p.DocumentId] : [])
                .Concat(response.AbstainedAnswer?.Passage is { } a ? [a.DocumentId] : []);
            // The terms retrieval searched for: a document written later holding one of them may change this answer.
            var terms = TextTokenizer.Terms(response.Route.NormalizedQuery);
            terms.UnionWith(TextTokenizer.Terms(query.Query));
            var stored = await cache.StoreAsync(hash, stamp, response, cited, terms, reviewKey);
            if (shared is not null)
            {
                shared.Stored = stored;
            }
        }

        return response;
    }

    /// <summary>A pipeline run identical requests share, and when it gives up.</summary>
    private sealed record SharedRun(DateTime Deadline, Lazy<Task<SearchResponse>> Response)
    {
        /// <summary>Whether the run's answer went into the cache (set before the run's task completes).</summary>
        public bool Stored { get; set; }
    }
}
