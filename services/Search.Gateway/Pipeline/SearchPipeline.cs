using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Pipeline;

/// <summary>What a caller asks the gateway, from REST or gRPC.</summary>
public sealed record SearchQuery(string? Query, string? Language, int K, bool IncludeAbstained);

/// <summary>
/// Runs router → retrieval → rerank → answer with a deadline per stage. Every stage but
/// retrieval may fail: the response is then degraded (default route, retrieval order,
/// no answer box) and says so; only a retrieval failure fails the request.
/// </summary>
public sealed class SearchPipeline(
    Rpc.Router.RouterClient router,
    Rpc.Retrieval.RetrievalClient retrieval,
    Rpc.Rerank.RerankClient rerank,
    Rpc.Answer.AnswerClient answer,
    IOptions<GatewayOptions> options,
    StageResilience resilience,
    TimeProvider time,
    ILogger<SearchPipeline> logger)
{
    private readonly GatewayOptions _options = options.Value;

    public async Task<Rpc.SearchResponse> SearchAsync(SearchQuery query, DateTime? callerDeadline, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (response, ranked, deadline) = await PrepareAsync(query, callerDeadline, ct);
        if (response.Route.ShouldAnswer && ranked.Count > 0)
        {
            await AnswerAsync(response.Route, ranked, query.IncludeAbstained, response, deadline, ct);
        }
        else
        {
            response.Timings.Add(new Rpc.StageTiming { Stage = Stages.Answer, Status = "skipped" });
        }

        response.TotalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return response;
    }

    /// <summary>
    /// Search with the answer streamed: <paramref name="emit"/> gets the results first, then the answer's
    /// tokens as the answer service sends them, then the checked answer. Bad input and a missing retrieval
    /// throw before anything is emitted (so REST can still answer 400/503); after that, an answer stage that
    /// fails only degrades the final answer event.
    /// </summary>
    public async Task SearchStreamAsync(SearchQuery query, DateTime? callerDeadline, Func<Rpc.SearchStreamEvent, CancellationToken, Task> emit, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (response, ranked, _) = await PrepareAsync(query, callerDeadline, ct);
        var answer = new Rpc.StreamedAnswer();
        var answering = response.Route.ShouldAnswer && ranked.Count > 0;
        if (!answering)
        {
            response.Timings.Add(new Rpc.StageTiming { Stage = Stages.Answer, Status = "skipped" });
            answer.FallbackReason = ranked.Count == 0 ? "no passage was found to answer from" : "the query is not a question to answer";
        }

        response.TotalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await emit(new Rpc.SearchStreamEvent { Results = response }, ct);
        if (answering)
        {
            await StreamAnswerAsync(response.Route, ranked, query.IncludeAbstained, callerDeadline, answer, emit, ct);
        }

        answer.TotalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await emit(new Rpc.SearchStreamEvent { Answer = answer }, ct);
    }

    /// <summary>Route, retrieve and rerank: the response with its results and timings, and no answer yet.</summary>
    private async Task<(Rpc.SearchResponse Response, IReadOnlyList<Rpc.ScoredPassage> Ranked, DateTime Deadline)> PrepareAsync(
        SearchQuery query, DateTime? callerDeadline, CancellationToken ct)
    {
        var (k, hint) = Validate(query);
        var deadline = EarliestOf(callerDeadline, time.GetUtcNow().UtcDateTime.AddMilliseconds(_options.RequestTimeoutMs));
        var response = new Rpc.SearchResponse { Query = query.Query ?? "" };

        response.Route = await RouteAsync(query.Query!, hint, response, deadline, ct);
        if (response.Route.NormalizedQuery.Length == 0)
        {
            BadSearchRequestException.Throw("query is empty after normalisation (it held only spaces or control characters)");
        }

        var candidates = await RetrieveAsync(response.Route, hint, k, response, deadline, ct);
        var ranked = await RerankAsync(response.Route, candidates, response, deadline, ct);
        response.Results.AddRange(ranked.Take(k).Select(ToResult));
        return (response, ranked, deadline);
    }

    private (int K, TextLanguage Hint) Validate(SearchQuery query)
    {
        if (string.IsNullOrWhiteSpace(query.Query))
        {
            BadSearchRequestException.Throw("query is empty: pass the question in 'q'");
        }

        if (query.Query.Length > _options.MaxQueryLength)
        {
            BadSearchRequestException.Throw($"query is {query.Query.Length} characters; the limit is {_options.MaxQueryLength}");
        }

        if (query.K < 0 || query.K > _options.MaxResults)
        {
            BadSearchRequestException.Throw($"k must be between 1 and {_options.MaxResults} (0 means {_options.DefaultResults})");
        }

        if (!TextLanguageTags.TryParse(query.Language, out var hint))
        {
            BadSearchRequestException.Throw($"unknown language '{query.Language}': use en, zh-Hans or zh-Hant, or leave it empty to detect");
        }

        return (query.K == 0 ? _options.DefaultResults : query.K, hint);
    }

    private async Task<Rpc.Route> RouteAsync(string raw, TextLanguage hint, Rpc.SearchResponse response, DateTime deadline, CancellationToken ct)
    {
        var request = new Rpc.RouteRequest { Query = raw, LanguageHint = hint.ToTag() };
        var stage = await CallAsync(Stages.Router, _options.RouterTimeoutMs, deadline, response,
            (d, token) => router.RouteAsync(request, deadline: d, cancellationToken: token).ResponseAsync, ct);
        return stage?.Route ?? FallbackRoute(raw, hint);
    }

    private async Task<IReadOnlyList<Rpc.ScoredPassage>> RetrieveAsync(Rpc.Route route, TextLanguage hint, int k, Rpc.SearchResponse response, DateTime deadline, CancellationToken ct)
    {
        var request = new Rpc.RetrieveRequest
        {
            Query = route.NormalizedQuery,
            // Without an explicit hint every language is searched: a Traditional question may be answered by a Simplified page.
            Language = hint == TextLanguage.Unknown ? Rpc.Language.Unspecified : route.Language,
            // Enough for the results asked for, and never fewer than rerank wants to reorder.
            TopK = Math.Max(_options.RerankCandidates, k),
        };
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var stageDeadline = StageDeadline(_options.RetrievalTimeoutMs, deadline);
            var result = await resilience.For(Stages.Retrieval).ExecuteAsync(
                async token => await retrieval.SearchAsync(request, deadline: stageDeadline, cancellationToken: token), ct);
            response.Timings.Add(Timing(Stages.Retrieval, stopwatch, "ok"));
            return result.Passages;
        }
        catch (BrokenCircuitException e)
        {
            response.Timings.Add(Timing(Stages.Retrieval, stopwatch, "open"));
            throw new StageUnavailableException(Stages.Retrieval, "retrieval is unavailable (it failed repeatedly and is left alone for a few seconds); try again shortly", e);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            BadSearchRequestException.Throw(e.Status.Detail);
            throw;
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            response.Timings.Add(Timing(Stages.Retrieval, stopwatch, StatusOf(e)));
            logger.LogWarning("Retrieval failed with {Status}: {Detail}", e.StatusCode, e.Status.Detail);
            throw new StageUnavailableException(Stages.Retrieval, $"retrieval is unavailable ({e.StatusCode}); try again shortly", e);
        }
    }

    private async Task<IReadOnlyList<Rpc.ScoredPassage>> RerankAsync(Rpc.Route route, IReadOnlyList<Rpc.ScoredPassage> candidates, Rpc.SearchResponse response, DateTime deadline, CancellationToken ct)
    {
        if (candidates.Count == 0)
        {
            response.Timings.Add(new Rpc.StageTiming { Stage = Stages.Rerank, Status = "skipped" });
            return candidates;
        }

        var request = new Rpc.RerankRequest { Query = route.NormalizedQuery, Language = route.Language };
        request.Candidates.AddRange(candidates);
        var result = await CallAsync(Stages.Rerank, _options.RerankTimeoutMs, deadline, response,
            (d, token) => rerank.RerankAsync(request, deadline: d, cancellationToken: token).ResponseAsync, ct);
        return result is null ? candidates : result.Passages;
    }

    private async Task AnswerAsync(Rpc.Route route, IReadOnlyList<Rpc.ScoredPassage> ranked, bool includeAbstained, Rpc.SearchResponse response, DateTime deadline, CancellationToken ct)
    {
        var request = new Rpc.AnswerRequest { Question = route.NormalizedQuery, Route = route };
        request.Passages.AddRange(ranked.Take(_options.AnswerPassages));
        var result = await CallAsync(Stages.Answer, _options.AnswerTimeoutMs, deadline, response,
            (d, token) => answer.AnswerAsync(request, deadline: d, cancellationToken: token).ResponseAsync, ct);
        if (result?.Candidate is null)
        {
            return;
        }

        if (result.Shown)
        {
            response.Answer = result.Candidate;
        }
        else if (includeAbstained)
        {
            response.AbstainedAnswer = result.Candidate;
        }
    }

    /// <summary>
    /// The streamed answer stage. Not run through the stage's retry: tokens already passed on cannot be
    /// taken back, and generation has its own budget (<see cref="GatewayOptions.AnswerStreamTimeoutMs"/>).
    /// </summary>
    private async Task StreamAnswerAsync(Rpc.Route route, IReadOnlyList<Rpc.ScoredPassage> ranked, bool includeAbstained, DateTime? callerDeadline,
        Rpc.StreamedAnswer streamed, Func<Rpc.SearchStreamEvent, CancellationToken, Task> emit, CancellationToken ct)
    {
        var request = new Rpc.AnswerRequest { Question = route.NormalizedQuery, Route = route };
        request.Passages.AddRange(ranked.Take(_options.AnswerPassages));
        var deadline = EarliestOf(callerDeadline, time.GetUtcNow().UtcDateTime.AddMilliseconds(_options.AnswerStreamTimeoutMs));
        Rpc.AnswerStreamResult? result = null;
        try
        {
            using var call = answer.AnswerStream(request, deadline: deadline, cancellationToken: ct);
            await foreach (var item in call.ResponseStream.ReadAllAsync(ct))
            {
                if (item.EventCase == Rpc.AnswerStreamEvent.EventOneofCase.Token)
                {
                    await emit(new Rpc.SearchStreamEvent { Token = item.Token }, ct);
                }
                else if (item.EventCase == Rpc.AnswerStreamEvent.EventOneofCase.Result)
                {
                    result = item.Result;
                }
            }
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Streamed answer degraded: {Status} {Detail}", e.StatusCode, e.Status.Detail);
            streamed.Degraded = true;
            streamed.FallbackReason = $"the answer stage {(e.StatusCode == StatusCode.DeadlineExceeded ? "timed out" : "failed")} ({e.StatusCode})";
            return;
        }

        if (result is null)
        {
            streamed.Degraded = true;
            streamed.FallbackReason = "the answer stage ended without a result";
            return;
        }

        streamed.GeneratedShown = result.GeneratedShown;
        streamed.FallbackReason = result.FallbackReason;
        if (result.GeneratedShown)
        {
            streamed.GeneratedText = result.Generated.Text;
            streamed.Citations.AddRange(result.Generated.Citations.Select(c =>
                new Rpc.AnswerCitation { Index = c.Index, PassageId = c.PassageId, DocumentId = c.DocumentId }));
        }
        else if (result.Extractive?.Candidate is { } candidate)
        {
            if (result.Extractive.Shown)
            {
                streamed.Answer = candidate;
            }
            else if (includeAbstained)
            {
                streamed.AbstainedAnswer = candidate;
            }
        }
    }

    /// <summary>Calls an optional stage: on failure or timeout the stage is marked degraded and null is returned.</summary>
    private async Task<T?> CallAsync<T>(string stage, int timeoutMs, DateTime deadline, Rpc.SearchResponse response,
        Func<DateTime, CancellationToken, Task<T>> call, CancellationToken ct)
        where T : class
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var stageDeadline = StageDeadline(timeoutMs, deadline);
            var result = await resilience.For(stage).ExecuteAsync(async token => await call(stageDeadline, token), ct);
            response.Timings.Add(Timing(stage, stopwatch, "ok"));
            return result;
        }
        catch (BrokenCircuitException)
        {
            // Failed repeatedly just now: degrade at once instead of waiting for another timeout.
            response.Timings.Add(Timing(stage, stopwatch, "open"));
            response.Degraded.Add(stage);
            return null;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && stage == Stages.Router)
        {
            // The router is the authority on what a valid query is.
            BadSearchRequestException.Throw(e.Status.Detail);
            throw;
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Stage {Stage} degraded: {Status} {Detail}", stage, e.StatusCode, e.Status.Detail);
            response.Timings.Add(Timing(stage, stopwatch, StatusOf(e)));
            response.Degraded.Add(stage);
            return null;
        }
    }

    /// <summary>What the gateway assumes when the router cannot be asked: the same shared text rules, locally.</summary>
    internal static Rpc.Route FallbackRoute(string raw, TextLanguage hint)
    {
        var normalized = TextNormalizer.Normalize(raw);
        var language = hint != TextLanguage.Unknown ? hint : LanguageDetector.Detect(normalized);
        var question = AnswerCues.LooksLikeQuestion(normalized);
        return new Rpc.Route
        {
            NormalizedQuery = normalized,
            Language = ToProto(language == TextLanguage.Unknown ? TextLanguage.English : language),
            Intent = question ? Rpc.Intent.Question : Rpc.Intent.Keyword,
            AnswerType = (Rpc.AnswerType)(int)AnswerCues.Detect(normalized),
            ShouldAnswer = question,
            Reason = "router unavailable: default route from the gateway",
        };
    }

    private DateTime StageDeadline(int timeoutMs, DateTime requestDeadline) =>
        EarliestOf(requestDeadline, time.GetUtcNow().UtcDateTime.AddMilliseconds(timeoutMs));

    private static DateTime EarliestOf(DateTime? a, DateTime b) => a is { } d && d.ToUniversalTime() < b ? d.ToUniversalTime() : b;

    private static string StatusOf(RpcException e) => e.StatusCode == StatusCode.DeadlineExceeded ? "timeout" : "failed";

    private static Rpc.StageTiming Timing(string stage, Stopwatch stopwatch, string status) =>
        new() { Stage = stage, Ms = stopwatch.Elapsed.TotalMilliseconds, Status = status };

    internal static Rpc.Language ToProto(TextLanguage language) => language switch
    {
        TextLanguage.English => Rpc.Language.En,
        TextLanguage.SimplifiedChinese => Rpc.Language.ZhHans,
        TextLanguage.TraditionalChinese => Rpc.Language.ZhHant,
        _ => Rpc.Language.Unspecified,
    };

    private static Rpc.SearchResult ToResult(Rpc.ScoredPassage p) => new()
    {
        DocumentId = p.Passage.DocumentId,
        PassageId = p.Passage.PassageId,
        Title = p.Passage.Title,
        Url = p.Passage.Url,
        Text = p.Passage.Text,
        Highlight = p.Highlight,
        Score = p.Score,
        RetrievalScore = p.RetrievalScore,
    };
}

public static class Stages
{
    public const string Router = "router";
    public const string Retrieval = "retrieval";
    public const string Rerank = "rerank";
    public const string Answer = "answer";
}
