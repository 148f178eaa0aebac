using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Search.Gateway.Pipeline;
using Search.Text;

namespace Search.Gateway.Tests;

/// <summary>Admission control: refusal before any stage, the time-bounded queue, callers that leave, and degradation by pressure.</summary>
public sealed class AdmissionTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public async Task ASearchThatCannotBeServedBeforeItsDeadlineIsRefusedAtOnce()
    {
        using var admission = Admission(slots: 1, serviceMs: 1_000);
        using var held = await admission.EnterAsync(DateTime.UtcNow.AddSeconds(10), TestContext.Current.CancellationToken);

        // One slot, busy, and a search takes a second: one due in half a second cannot be served.
        var refusal = await Assert.ThrowsAsync<OverloadedException>(
            () => admission.EnterAsync(DateTime.UtcNow.AddMilliseconds(500), TestContext.Current.CancellationToken));

        Assert.Equal("1", refusal.RetryAfterSeconds);
        Assert.Contains("overloaded", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, admission.Queued);
    }

    [Fact]
    public async Task AWaitingSearchGetsTheFreedSlotAndOneThatWaitsTooLongIsRefused()
    {
        using var admission = Admission(slots: 1, serviceMs: 1, maxQueueMs: 60_000);
        var held = await admission.EnterAsync(DateTime.UtcNow.AddSeconds(30), TestContext.Current.CancellationToken);
        var waiting = admission.EnterAsync(DateTime.UtcNow.AddSeconds(30), TestContext.Current.CancellationToken);
        await WaitUntil(() => admission.Queued == 1);
        Assert.False(waiting.IsCompleted);

        held.Dispose();
        using var admitted = await waiting;

        Assert.Equal(Pressure.None, admitted.Pressure);
        // Now the slot is held again: a search allowed to wait 200 ms waits, then is refused.
        using var shortWait = Admission(slots: 1, serviceMs: 1, maxQueueMs: 200);
        using var busy = await shortWait.EnterAsync(DateTime.UtcNow.AddSeconds(30), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<OverloadedException>(() => shortWait.EnterAsync(DateTime.UtcNow.AddSeconds(30), TestContext.Current.CancellationToken));
        Assert.Equal(0, shortWait.Queued);
    }

    [Fact]
    public async Task WhileTheQueueStandsAnArrivalIsRefusedAtOnceWithoutJoiningIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var due = DateTime.UtcNow.AddSeconds(30);
        using var admission = Admission(slots: 1, serviceMs: 1, maxQueueMs: 60_000, standingWaitMs: 50, standingIntervalMs: 0);
        var first = await admission.EnterAsync(due, ct);
        var second = admission.EnterAsync(due, ct);
        await WaitUntil(() => admission.Queued == 1);

        // The second search waits well past 50 ms for its slot: the queue stands from then on.
        await Task.Delay(200, ct);
        first.Dispose();
        var held = await second;
        var third = admission.EnterAsync(due, ct);
        await WaitUntil(() => admission.Queued == 1);

        // One waits behind a standing queue, so the next is refused without joining it.
        var refusal = await Assert.ThrowsAsync<OverloadedException>(() => admission.EnterAsync(due, ct));
        Assert.Contains("waiting longer than 50 ms", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(1, admission.Queued);

        // The third gets its slot when the second leaves; with nobody waiting behind it, a search arriving at a
        // busy slot joins the queue again.
        held.Dispose();
        using var third1 = await third;
        var fourth = admission.EnterAsync(due, ct);
        await WaitUntil(() => admission.Queued == 1);
        Assert.False(fourth.IsCompleted);
        third1.Dispose();
        (await fourth).Dispose();
    }

    [Fact]
    public async Task ASearchWhoseCallerLeavesIsDroppedFromTheQueue()
    {
        using var admission = Admission(slots: 1, serviceMs: 1, maxQueueMs: 60_000);
        using var held = await admission.EnterAsync(DateTime.UtcNow.AddSeconds(30), TestContext.Current.CancellationToken);
        using var caller = new CancellationTokenSource();
        var waiting = admission.EnterAsync(DateTime.UtcNow.AddSeconds(30), caller.Token);
        await WaitUntil(() => admission.Queued == 1);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, admission.Queued);
    }

    [Fact]
    public async Task UnderPressureTheAnswerThenTheRerankAreLeftOutAndNamedInDegraded()
    {
        // One slot. The first search holds it inside retrieval while three more queue; when it is let go,
        // the second is admitted with two still waiting (rerank and answer left out), the third with one
        // waiting (answer left out), the fourth with none (everything).
        using var admission = Admission(slots: 1, serviceMs: 1, maxQueueMs: 60_000);
        using var stages = new GatedStages { HoldFirst = 1 };
        var pipeline = Pipeline(stages, admission);
        var ct = TestContext.Current.CancellationToken;
        var searches = new List<Task<SearchResponse>> { pipeline.SearchAsync(new SearchQuery("who wrote it?", null, 5, false), null, ct) };
        await WaitUntil(() => stages.Retrievals == 1);
        for (var i = 1; i <= 3; i++)
        {
            searches.Add(pipeline.SearchAsync(new SearchQuery($"who wrote book {i}?", null, 5, false), null, ct));
            var queued = i;
            await WaitUntil(() => admission.Queued == queued);
        }

        stages.Let(1);
        var responses = await Task.WhenAll(searches);

        Assert.Equal([[], ["rerank", "answer"], ["answer"], []], responses.Select(r => r.Degraded.ToArray()));
        Assert.Equal(["who wrote book 3?", "who wrote it?"], stages.Answered.Order(StringComparer.Ordinal));
        Assert.Empty(stages.AnsweredWithoutReader); // the third had one waiting, but no answer stage at all
        Assert.Equal(3, stages.Reranks);
        Assert.All(responses, r => Assert.Equal(2, r.Results.Count));
    }

    [Fact]
    public async Task ASearchAdmittedWhileOthersWaitIsAnsweredWithoutTheNeuralReader()
    {
        // Two slots, both held in retrieval, two more queued. One held search is let go: the third is admitted with
        // one still waiting (the reader left out, the answer stage kept). When it is done the fourth is admitted with
        // none waiting (read); then the other held search is let go.
        using var stages = new GatedStages { HoldFirst = 2 };
        var ct = TestContext.Current.CancellationToken;
        var responses = await FourBehindTwoHeld(stages, (pipeline, i) => pipeline.SearchAsync(new SearchQuery($"who wrote book {i}?", null, 5, false), null, ct));

        Assert.Equal([[], [], ["reader"], []], responses.Select(r => r.Degraded.ToArray()));
        Assert.Equal(["who wrote book 2?"], stages.AnsweredWithoutReader);
        Assert.Equal(4, stages.Answered.Count);
        Assert.All(responses, r => Assert.NotNull(r.Answer));
    }

    [Fact]
    public async Task ASearchAdmittedWhileMoreThanTheReaderLimitAreInFlightIsAnsweredWithoutTheNeuralReader()
    {
        using var stages = new GatedStages { HoldFirst = 1 };
        var ct = TestContext.Current.CancellationToken;
        var (firstResponse, second, queued) = await BesideOneHeld(stages, pipeline => pipeline.SearchAsync(new SearchQuery("who wrote book 1?", null, 5, false), null, ct));

        Assert.Empty(firstResponse.Degraded);
        Assert.Equal(["reader"], second.Degraded);
        Assert.Equal(["who wrote book 1?"], stages.AnsweredWithoutReader);
        Assert.NotNull(second.Answer);
        Assert.Equal(0, queued);
    }

    [Fact]
    public async Task AStreamedSearchAdmittedWhileMoreThanTheReaderLimitAreInFlightStillGeneratesButWithoutARead()
    {
        // Nothing queues, so generation stays; its extractive answer is asked without a read.
        using var stages = new GatedStages { HoldFirst = 1 };
        var ct = TestContext.Current.CancellationToken;
        var (_, events, _) = await BesideOneHeld(stages, pipeline => StreamAsync(pipeline, "who wrote book 1?", ct));

        // The generated answer is shown, so the unread extractive one degraded nothing the user sees.
        Assert.Empty(events.OfType<ResultsEvent>().Single().Results.Degraded);
        Assert.True(events.OfType<AnswerEvent>().Single().Answer.GeneratedShown);
        Assert.False(events.OfType<AnswerEvent>().Single().Answer.Degraded);
        Assert.Equal(["who wrote book 1?"], stages.StreamedWithoutReader);
        Assert.Equal(1, stages.Generations);
    }

    [Fact]
    public async Task AStreamedSearchWhoseGeneratedAnswerFailsItsChecksSaysTheExtractiveOneWasNotReadOnItsAnswerEvent()
    {
        using var stages = new GatedStages { HoldFirst = 1, Generates = false };
        var ct = TestContext.Current.CancellationToken;
        var (_, events, _) = await BesideOneHeld(stages, pipeline => StreamAsync(pipeline, "who wrote book 1?", ct));

        var answer = events.OfType<AnswerEvent>().Single().Answer;
        Assert.False(answer.GeneratedShown);
        Assert.Equal("extractive", answer.Answer?.Text);
        Assert.True(answer.Degraded);
        Assert.True(answer.ReaderSkipped);
        Assert.Empty(events.OfType<ResultsEvent>().Single().Results.Degraded);
    }

    [Fact]
    public async Task ASearchBesideTheReaderLimitIsNotFlaggedWhenTheAnswerServiceHadNoReadToLeaveOut()
    {
        // The gateway asks for no read, but the answer service has no reader for the question (off, or Chinese).
        using var stages = new GatedStages { HoldFirst = 1, Reads = false };
        var ct = TestContext.Current.CancellationToken;
        var (_, second, _) = await BesideOneHeld(stages, pipeline => pipeline.SearchAsync(new SearchQuery("who wrote book 1?", null, 5, false), null, ct));

        Assert.Equal(["who wrote book 1?"], stages.AnsweredWithoutReader);
        Assert.Empty(second.Degraded);
        Assert.NotNull(second.Answer);
    }

    [Fact]
    public async Task AStreamedSearchAdmittedWhileOthersWaitGetsTheExtractiveAnswerInsteadOfGenerating()
    {
        // Two slots, both held in retrieval, two more queued. One held search is let go: the third is admitted
        // with one still waiting (generation left out). When it is done the fourth is admitted with none
        // waiting (generated); then the other held search is let go.
        using var stages = new GatedStages { HoldFirst = 2 };
        var ct = TestContext.Current.CancellationToken;
        var events = await FourBehindTwoHeld(stages, (pipeline, i) => StreamAsync(pipeline, $"who wrote book {i}?", ct));

        var results = events.Select(e => e.OfType<ResultsEvent>().Single().Results.Degraded.ToArray()).ToArray();
        var answers = events.Select(e => e.OfType<AnswerEvent>().Single().Answer).ToArray();
        Assert.Equal([[], [], ["generation"], []], results);
        Assert.Equal([true, true, false, true], answers.Select(a => a.GeneratedShown));
        Assert.True(answers[2].Degraded);
        Assert.Equal("generation was left out: the gateway is under load", answers[2].FallbackReason);
        Assert.Equal("extractive", answers[2].Answer?.Text);
        Assert.Equal(3, stages.Generations);
    }

    public void Dispose() => _services.Dispose();

    private static SearchPipeline Pipeline(ISearchStages stages, Admission admission) => new(
        stages, Options.Create(new GatewayOptions()), new StageResilience(NullLogger<StageResilience>.Instance),
        new Deadlines(TimeProvider.System), admission, new StreamSlots(Options.Create(new GatewayOptions())), NullLogger<SearchPipeline>.Instance);

    private static async Task<List<SearchEvent>> StreamAsync(SearchPipeline pipeline, string query, CancellationToken ct)
    {
        var events = new List<SearchEvent>();
        await pipeline.SearchStreamAsync(new SearchQuery(query, null, 5, false), null, (e, _) =>
        {
            events.Add(e);
            return Task.CompletedTask;
        }, ct);
        return events;
    }

    // readerInFlight is set so that no test depends on the machine's processor count (its default).
    private Admission Admission(int slots, int serviceMs, int maxQueueMs = 1_000, int standingWaitMs = 50, int standingIntervalMs = 100, int readerInFlight = 2) => new(
        Options.Create(new AdmissionOptions
        {
            MaxConcurrent = slots,
            ReaderInFlight = readerInFlight,
            InitialServiceMs = serviceMs,
            MaxQueueMs = maxQueueMs,
            StandingWaitMs = standingWaitMs,
            StandingIntervalMs = standingIntervalMs,
        }),
        TimeProvider.System,
        new GatewayMetrics(_services.GetRequiredService<IMeterFactory>()));

    /// <summary>
    /// Two slots, both held in retrieval by the first two searches, two more queued. One held search is let go: the
    /// third is admitted with one still waiting; when the third and fourth are done, the other held one is let go.
    /// </summary>
    private async Task<T[]> FourBehindTwoHeld<T>(GatedStages stages, Func<SearchPipeline, int, Task<T>> search)
    {
        using var admission = Admission(slots: 2, serviceMs: 1, maxQueueMs: 60_000);
        var pipeline = Pipeline(stages, admission);
        var searches = new List<Task<T>>();
        for (var i = 0; i < 4; i++)
        {
            searches.Add(search(pipeline, i));
            var (retrievals, queued) = i < 2 ? (i + 1, 0) : (2, i - 1);
            await WaitUntil(() => stages.Retrievals == retrievals && admission.Queued == queued);
        }

        stages.Let(1);
        await WaitUntil(() => searches[2].IsCompleted && searches[3].IsCompleted);
        stages.Let(1);
        return await Task.WhenAll(searches);
    }

    /// <summary>
    /// Four slots, so nothing queues, and the reader only while at most one search is worked on: the first search is held
    /// in retrieval, <paramref name="second"/> runs beside it (two in flight: no read), then the first is let go.
    /// </summary>
    private async Task<(SearchResponse First, T Second, long Queued)> BesideOneHeld<T>(GatedStages stages, Func<SearchPipeline, Task<T>> second)
    {
        var ct = TestContext.Current.CancellationToken;
        using var admission = Admission(slots: 4, serviceMs: 1, readerInFlight: 1);
        var pipeline = Pipeline(stages, admission);
        var first = pipeline.SearchAsync(new SearchQuery("who wrote book 0?", null, 5, false), null, ct);
        await WaitUntil(() => stages.Retrievals == 1);
        var result = await second(pipeline);
        var queued = admission.Queued;
        stages.Let(1);
        return (await first, result, queued);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "the condition never held");
    }

    /// <summary>Stages in process: the first <see cref="HoldFirst"/> retrievals wait until <see cref="Let"/> lets them go; calls are counted.</summary>
    private sealed class GatedStages : ISearchStages, IDisposable
    {
        private readonly SemaphoreSlim _gate = new(0);
        private int _retrievals;
        private int _reranks;
        private int _generations;

        public int HoldFirst { get; init; }

        /// <summary>Whether the answer service stood in for has a reader for these questions (so a read asked to be left out is).</summary>
        public bool Reads { get; init; } = true;

        /// <summary>Whether the generated answer passes its checks (otherwise the extractive one is shown).</summary>
        public bool Generates { get; init; } = true;

        public void Let(int retrievals) => _gate.Release(retrievals);

        public void Dispose() => _gate.Dispose();

        public int Retrievals => Volatile.Read(ref _retrievals);

        public int Reranks => Volatile.Read(ref _reranks);

        public ConcurrentBag<string> Answered { get; } = [];

        public Task<QueryRoute?> RouteAsync(string query, TextLanguage hint, DateTime deadline, CancellationToken ct) =>
            Task.FromResult<QueryRoute?>(SearchPipeline.FallbackRoute(query, hint));

        public async Task<IReadOnlyList<RankedPassage>> RetrieveAsync(string query, TextLanguage language, int topK, DateTime deadline, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _retrievals) <= HoldFirst)
            {
                await _gate.WaitAsync(ct);
            }

            return [Passage("a", 2), Passage("b", 1)];
        }

        public Task<IReadOnlyList<RankedPassage>> RerankAsync(QueryRoute route, IReadOnlyList<RankedPassage> candidates, DateTime deadline, CancellationToken ct)
        {
            Interlocked.Increment(ref _reranks);
            return Task.FromResult(candidates);
        }

        public int Generations => Volatile.Read(ref _generations);

        /// <summary>The questions answered without the neural reader.</summary>
        public ConcurrentBag<string> AnsweredWithoutReader { get; } = [];

        public ConcurrentBag<string> StreamedWithoutReader { get; } = [];

        public Task<AnswerReply> AnswerAsync(QueryRoute route, IReadOnlyList<RankedPassage> passages, bool skipReader, DateTime deadline, CancellationToken ct)
        {
            Answered.Add(route.NormalizedQuery);
            if (skipReader)
            {
                AnsweredWithoutReader.Add(route.NormalizedQuery);
            }

            return Task.FromResult(new AnswerReply(Box, true, skipReader && Reads));
        }

        public Task<GenerationOutcome?> AnswerStreamAsync(
            QueryRoute route, IReadOnlyList<RankedPassage> passages, bool skipReader, DateTime deadline, Func<string, CancellationToken, Task> onToken, CancellationToken ct)
        {
            Interlocked.Increment(ref _generations);
            if (skipReader)
            {
                StreamedWithoutReader.Add(route.NormalizedQuery);
            }

            return Task.FromResult<GenerationOutcome?>(new GenerationOutcome(
                new GeneratedAnswer("generated [1]", []), Generates, Generates ? "" : "the generated answer failed its checks", new AnswerReply(Box, true, skipReader && Reads)));
        }

        private static AnswerBox Box { get; } = new("extractive", null, 0, 10, 0.95, AnswerKind.Span, null, "extractive");

        private static RankedPassage Passage(string id, double score) =>
            new(Search.Gateway.Pipeline.Passage.Empty with { PassageId = id, DocumentId = id, Text = "text " + id }, score, score, null, null);
    }
}
