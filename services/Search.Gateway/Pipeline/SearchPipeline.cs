using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Search.Gateway.Review;
using Search.Text;

namespace Search.Gateway.Pipeline;

/// <summary>
/// Runs router → retrieval → rerank → answer with a deadline per stage, once <see cref="Admission"/> gives the
/// search a slot. Every stage but retrieval may fail: the response is then degraded (default route, retrieval
/// order, no answer box) and says so; only a retrieval failure fails the request. Under pressure (searches
/// waiting for slots) the dearest parts are left out first, each named in <c>degraded</c>: generation, then the
/// answer stage, then rerank.
/// </summary>
public sealed class SearchPipeline(
    ISearchStages stages,
    IOptions<GatewayOptions> options,
    StageResilience resilience,
    Deadlines deadlines,
    Admission admission,
    StreamSlots streams,
    ILogger<SearchPipeline> logger)
{
    private readonly GatewayOptions _options = options.Value;

    public async Task<SearchResponse> SearchAsync(SearchQuery query, DateTime? callerDeadline, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (k, hint) = Validate(query);
        var deadline = deadlines.Earliest(callerDeadline, _options.RequestTimeoutMs);
        using var ticket = await admission.EnterAsync(deadline, ct);
        var prepared = await PrepareAsync(query, k, hint, deadline, ticket.Pressure, ct);
        if (prepared.Review.Curated is { } curated)
        {
            // A reviewer's answer comes first: the answer model is not asked.
            prepared.Log.Skipped(Stages.Answer);
            return prepared.Response(Stopwatch.GetElapsedTime(started)) with { Answer = curated };
        }

        AnswerReply? reply = null;
        if (prepared.Answering && ticket.Pressure < Pressure.SkipAnswer)
        {
            reply = await AnswerAsync(prepared, ticket.SkipReader, deadline, ct);
            if (reply is { ReaderSkipped: true })
            {
                prepared.Log.Degraded.Add(Degradations.Reader);
            }
        }
        else
        {
            SkipAnswer(prepared, ticket.Pressure);
        }

        var (shown, abstained) = Split(reply, query.IncludeAbstained);
        return prepared.Response(Stopwatch.GetElapsedTime(started)) with { Answer = shown, AbstainedAnswer = abstained };
    }

    /// <summary>
    /// Search with the answer streamed: <paramref name="emit"/> gets the results first, then the answer's
    /// tokens as the answer service sends them, then the checked answer. Bad input and a missing retrieval
    /// throw before anything is emitted (so REST can still answer 400/503); after that, an answer stage that
    /// fails only degrades the final answer event.
    /// </summary>
    public async Task SearchStreamAsync(SearchQuery query, DateTime? callerDeadline, Func<SearchEvent, CancellationToken, Task> emit, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (k, hint) = Validate(query);
        using var slot = streams.Enter();
        var deadline = deadlines.Earliest(callerDeadline, _options.RequestTimeoutMs);
        using var ticket = await admission.EnterAsync(deadline, ct);
        var prepared = await PrepareAsync(query, k, hint, deadline, ticket.Pressure, ct);
        var curated = prepared.Review.Curated;
        var answering = curated is null && prepared.Answering && ticket.Pressure < Pressure.SkipAnswer;
        if (!answering)
        {
            SkipAnswer(prepared, ticket.Pressure);
        }
        else
        {
            // A read left out is named on the answer event (its Degraded), once the answer service has said so.
            if (ticket.Pressure >= Pressure.SkipGeneration)
            {
                prepared.Log.Degraded.Add(Degradations.Generation);
            }
        }

        var results = prepared.Response(Stopwatch.GetElapsedTime(started));
        await emit(new ResultsEvent(results), ct);
        StreamedAnswer answer;
        if (curated is not null)
        {
            answer = StreamedAnswer.None("a reviewer's curated answer is shown") with { Answer = curated };
        }
        else if (!answering)
        {
            answer = StreamedAnswer.None(
                prepared.Ranked.Count == 0 ? "no passage was found to answer from"
                : prepared.Answering ? "the answer stage was left out: the gateway is under load"
                : "the query is not a question to answer");
        }
        else if (ticket.Pressure >= Pressure.SkipGeneration)
        {
            answer = ExtractiveInstead(await AnswerAsync(prepared, ticket.SkipReader, deadline, ct), query.IncludeAbstained);
        }
        else
        {
            answer = await StreamAnswerAsync(prepared, ticket.SkipReader, query.IncludeAbstained, callerDeadline, emit, ct);
        }

        answer = answer with { TotalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds };
        await emit(new AnswerEvent(answer), ct);
    }

    /// <summary>Route, retrieve and rerank (unless the pressure leaves it out): the results with their stage log, and no answer yet.</summary>
    private async Task<Prepared> PrepareAsync(SearchQuery query, int k, TextLanguage hint, DateTime deadline, Pressure pressure, CancellationToken ct)
    {
        var log = new StageLog();

        var route = await CallAsync(Stages.Router, _options.RouterTimeoutMs, deadline, log,
            (d, token) => stages.RouteAsync(query.Query!, hint, d, token), ct) ?? FallbackRoute(query.Query!, hint);
        if (route.NormalizedQuery.Length == 0)
        {
            BadSearchRequestException.Throw("query is empty after normalisation (it held only spaces or control characters)");
        }

        var candidates = await RetrieveAsync(route, hint, k, log, deadline, ct);
        IReadOnlyList<RankedPassage> ranked;
        if (pressure >= Pressure.SkipRerank && candidates.Count > 0)
        {
            log.Skipped(Stages.Rerank);
            log.Degraded.Add(Stages.Rerank);
            ranked = candidates;
        }
        else
        {
            ranked = await RerankAsync(route, candidates, log, deadline, ct);
        }

        return new Prepared(query.Query ?? "", route, ranked, k, log, query.Review, query.IncludeAbstained);
    }

    /// <summary>The extractive answer; with <paramref name="skipReader"/> (under pressure, which the caller names in degraded) without the neural span reader.</summary>
    private Task<AnswerReply?> AnswerAsync(Prepared prepared, bool skipReader, DateTime deadline, CancellationToken ct) =>
        CallAsync(Stages.Answer, _options.AnswerTimeoutMs, deadline, prepared.Log,
            (d, token) => stages.AnswerAsync(prepared.Route, prepared.ForAnswer(_options.AnswerPassages), skipReader, d, token), ct);

    /// <summary>Marks the answer stage skipped, and degraded when it was left out for load rather than not wanted.</summary>
    private static void SkipAnswer(Prepared prepared, Pressure pressure)
    {
        prepared.Log.Skipped(Stages.Answer);
        if (prepared.Answering && pressure >= Pressure.SkipAnswer)
        {
            prepared.Log.Degraded.Add(Stages.Answer);
        }
    }

    /// <summary>The streamed answer when generation was left out for load: the extractive answer, with the reason.</summary>
    private static StreamedAnswer ExtractiveInstead(AnswerReply? reply, bool includeAbstained)
    {
        if (reply is null)
        {
            return StreamedAnswer.None("the answer stage failed") with { Degraded = true };
        }

        var (shown, abstained) = Split(reply, includeAbstained);
        return StreamedAnswer.None("generation was left out: the gateway is under load") with { Answer = shown, AbstainedAnswer = abstained, Degraded = true };
    }

    private (int K, TextLanguage Hint) Validate(SearchQuery query)
    {
        if (string.IsNullOrWhiteSpace(query.Query))
        {
            BadSearchRequestException.Throw("query is empty: pass the question in 'q'");
        }

        if (TextLength.Exceeds(query.Query, _options.MaxQueryLength))
        {
            BadSearchRequestException.Throw(TextLength.TooLong("query", query.Query, _options.MaxQueryLength));
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

    private async Task<IReadOnlyList<RankedPassage>> RetrieveAsync(QueryRoute route, TextLanguage hint, int k, StageLog log, DateTime deadline, CancellationToken ct)
    {
        // Without an explicit hint every language is searched: a Traditional question may be answered by a Simplified page.
        var language = hint == TextLanguage.Unknown ? TextLanguage.Unknown : route.Language;
        // Enough for the results asked for, and never fewer than rerank wants to reorder.
        var topK = Math.Max(_options.RerankCandidates, k);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var stageDeadline = deadlines.Earliest(deadline, _options.RetrievalTimeoutMs);
            var passages = await resilience.For(Stages.Retrieval).ExecuteAsync(
                async token => await stages.RetrieveAsync(route.NormalizedQuery, language, topK, stageDeadline, token), ct);
            log.Timed(Stages.Retrieval, stopwatch, StageStatus.Ok);
            return passages;
        }
        catch (BrokenCircuitException e)
        {
            log.Timed(Stages.Retrieval, stopwatch, StageStatus.Open);
            throw new StageUnavailableException(Stages.Retrieval, "retrieval is unavailable (it failed repeatedly and is left alone for a few seconds); try again shortly", e);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            BadSearchRequestException.Throw(e.Status.Detail);
            throw;
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            log.Timed(Stages.Retrieval, stopwatch, StatusOf(e));
            logger.LogWarning("Retrieval failed with {Status}: {Detail}", e.StatusCode, e.Status.Detail);
            throw new StageUnavailableException(Stages.Retrieval, $"retrieval is unavailable ({e.StatusCode}); try again shortly", e);
        }
    }

    private async Task<IReadOnlyList<RankedPassage>> RerankAsync(
        QueryRoute route, IReadOnlyList<RankedPassage> candidates, StageLog log, DateTime deadline, CancellationToken ct)
    {
        if (candidates.Count == 0)
        {
            log.Skipped(Stages.Rerank);
            return candidates;
        }

        return await CallAsync(Stages.Rerank, _options.RerankTimeoutMs, deadline, log,
            (d, token) => stages.RerankAsync(route, candidates, d, token), ct) ?? candidates;
    }

    /// <summary>
    /// The streamed answer stage. Not run through the stage's retry: tokens already passed on cannot be
    /// taken back, and generation has its own budget (<see cref="GatewayOptions.AnswerStreamTimeoutMs"/>).
    /// </summary>
    private async Task<StreamedAnswer> StreamAnswerAsync(
        Prepared prepared, bool skipReader, bool includeAbstained, DateTime? callerDeadline, Func<SearchEvent, CancellationToken, Task> emit, CancellationToken ct)
    {
        var deadline = deadlines.Earliest(callerDeadline, _options.AnswerStreamTimeoutMs);
        GenerationOutcome? outcome;
        var streamed = false;
        try
        {
            outcome = await stages.AnswerStreamAsync(prepared.Route, prepared.ForAnswer(_options.AnswerPassages), skipReader, deadline,
                (token, tokenCt) =>
                {
                    streamed = true;
                    return emit(new TokenEvent(token), tokenCt);
                },
                ct);
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Streamed answer degraded: {Status} {Detail}", e.StatusCode, e.Status.Detail);
            return StreamedAnswer.None($"the answer stage {(e.StatusCode == StatusCode.DeadlineExceeded ? "timed out" : "failed")} ({e.StatusCode})")
                with { Degraded = true, Withdrawn = streamed };
        }

        if (outcome is null)
        {
            return StreamedAnswer.None("the answer stage ended without a result") with { Degraded = true, Withdrawn = streamed };
        }

        var answer = StreamedAnswer.None(outcome.FallbackReason) with { GeneratedShown = outcome.GeneratedShown, Withdrawn = streamed && !outcome.GeneratedShown };
        if (outcome.GeneratedShown)
        {
            return answer with { GeneratedText = outcome.Generated?.Text ?? "", Citations = outcome.Generated?.Citations ?? [] };
        }

        var (shown, abstained) = Split(outcome.Extractive, includeAbstained);
        var readerSkipped = outcome.Extractive is { ReaderSkipped: true };
        return answer with { Answer = shown, AbstainedAnswer = abstained, Degraded = readerSkipped, ReaderSkipped = readerSkipped };
    }

    /// <summary>The box to show and the abstained candidate (only when asked for) of an answer reply.</summary>
    private static (AnswerBox? Shown, AnswerBox? Abstained) Split(AnswerReply? reply, bool includeAbstained) => reply switch
    {
        { Candidate: { } candidate, Shown: true } => (candidate, null),
        { Candidate: { } candidate } when includeAbstained => (null, candidate with { AbstainReason = reply.AbstainReason }),
        _ => (null, null),
    };

    /// <summary>Calls an optional stage: on failure or timeout the stage is marked degraded and null is returned.</summary>
    private async Task<T?> CallAsync<T>(string stage, int timeoutMs, DateTime deadline, StageLog log,
        Func<DateTime, CancellationToken, Task<T>> call, CancellationToken ct)
        where T : class?
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var stageDeadline = deadlines.Earliest(deadline, timeoutMs);
            var result = await resilience.For(stage).ExecuteAsync(async token => await call(stageDeadline, token), ct);
            log.Timed(stage, stopwatch, StageStatus.Ok);
            return result;
        }
        catch (BrokenCircuitException)
        {
            // Failed repeatedly just now: degrade at once instead of waiting for another timeout.
            log.Timed(stage, stopwatch, StageStatus.Open);
            log.Degraded.Add(stage);
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
            log.Timed(stage, stopwatch, StatusOf(e));
            log.Degraded.Add(stage);
            return null;
        }
    }

    /// <summary>What the gateway assumes when the router cannot be asked: the same shared text rules, locally.</summary>
    internal static QueryRoute FallbackRoute(string raw, TextLanguage hint)
    {
        var normalized = TextNormalizer.Normalize(raw);
        var language = hint != TextLanguage.Unknown ? hint : LanguageDetector.Detect(normalized);
        var question = AnswerCues.LooksLikeQuestion(normalized);
        return new QueryRoute(
            NormalizedQuery: normalized,
            Language: language == TextLanguage.Unknown ? TextLanguage.English : language,
            Intent: question ? QueryIntent.Question : QueryIntent.Keyword,
            AnswerType: AnswerCues.Detect(normalized),
            ShouldAnswer: question,
            Reason: "router unavailable: default route from the gateway");
    }

    private static string StatusOf(RpcException e) => e.StatusCode == StatusCode.DeadlineExceeded ? StageStatus.Timeout : StageStatus.Failed;

    /// <summary>The timings and degraded stages of one request, in pipeline order.</summary>
    private sealed class StageLog
    {
        public List<StageTiming> Timings { get; } = [];

        public List<string> Degraded { get; } = [];

        public void Timed(string stage, Stopwatch stopwatch, string status) => Timings.Add(new StageTiming(stage, stopwatch.Elapsed.TotalMilliseconds, status));

        public void Skipped(string stage) => Timings.Add(new StageTiming(stage, 0, StageStatus.Skipped));
    }

    /// <summary>A routed, retrieved and reranked query, before its answer.</summary>
    /// <param name="WithSentences">whether results carry their sentences' similarities: only for a caller that also asks for the
    /// abstained answer (evaluation and training read what the answer stage read)</param>
    private sealed record Prepared(string Query, QueryRoute Route, IReadOnlyList<RankedPassage> Ranked, int K, StageLog Log, QueryReview Review, bool WithSentences)
    {
        public bool Answering => Route.ShouldAnswer && Ranked.Any(p => Review.MayAnswerFrom(p.Passage));

        /// <summary>The passages the answer stage is sent: the best ones no review blocked for this query.</summary>
        public IReadOnlyList<RankedPassage> ForAnswer(int passages) => Ranked.Where(p => Review.MayAnswerFrom(p.Passage)).Take(passages).ToList();

        public SearchResponse Response(TimeSpan elapsed) => new(
            Query, Route, Answer: null, Ranked.Take(K).Select(ToResult).ToList(), Log.Degraded.ToList(), Log.Timings.ToList(),
            AbstainedAnswer: null, elapsed.TotalMilliseconds, Cached: false);

        private SearchResult ToResult(RankedPassage p) => new(
            p.Passage.DocumentId, p.Passage.PassageId, p.Passage.Title, p.Passage.Url, p.Passage.Text, p.Highlight, p.Score, p.RetrievalScore,
            WithSentences ? p.Sentences : null);
    }
}
