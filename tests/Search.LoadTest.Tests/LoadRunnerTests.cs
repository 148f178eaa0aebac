using HdrHistogram;
using Search.LoadTest.Queries;
using Search.LoadTest.Running;
using Search.LoadTest.Targets;

namespace Search.LoadTest.Tests;

public sealed class LoadRunnerTests
{
    private static readonly string[] Queries = ["who wrote hamlet", "how tall is everest", "when did apollo 11 land"];

    [Fact]
    public async Task OpenLoopSendsEachRequestWhenDueWithoutWaitingForAnswers()
    {
        var time = new ManualTimeProvider();
        var target = new StalledTarget(time);
        var runner = Runner(Settings(rate: 10, duration: TimeSpan.FromSeconds(2)), target, time);
        var start = time.GetTimestamp();

        var run = runner.RunAsync(TestContext.Current.CancellationToken);
        await target.WaitForArrivalsAsync(20);

        // None of the 20 was answered, yet each reached the server on its own time: start + i / rate.
        var expected = Enumerable.Range(0, 20).Select(i => start + (i * TimeSpan.TicksPerSecond / 10)).ToList();
        Assert.Equal(expected, target.Arrivals);
        target.Release();
        var counts = (await run).Counts();
        Assert.Equal(20, counts.Sent);
        Assert.Equal(20, counts.Completed);
    }

    [Fact]
    public async Task AStalledServerMakesTheLatencyOfEveryQueuedRequestCountFromWhenItWasDue()
    {
        var time = new ManualTimeProvider();
        var target = new StalledTarget(time);
        var runner = Runner(Settings(rate: 10, duration: TimeSpan.FromSeconds(2)), target, time);
        var start = time.GetTimestamp();

        var run = runner.RunAsync(TestContext.Current.CancellationToken);
        await target.WaitForArrivalsAsync(20);
        // The server wakes 2 s after the first request and answers everything at once.
        time.MoveTo(start + (2 * TimeSpan.TicksPerSecond));
        target.Release();
        var recorder = await run;

        // Request i was due at i × 100 ms, so it waited 2 s − i × 100 ms: from 2 s down to 100 ms.
        var waited = Enumerable.Range(0, 20).Select(i => 2_000_000.0 - (i * 100_000)).Order().ToList();
        Assert.Equal(20, recorder.Latency.TotalCount);
        AssertMicros(waited[^1], recorder.Latency.GetMaxValue());
        AssertMicros(waited[0], recorder.Latency.GetValueAtPercentile(0));
        foreach (var p in new[] { 10.0, 50, 90, 99 })
        {
            var rank = (int)Math.Ceiling(p * waited.Count / 100);
            AssertMicros(waited[rank - 1], recorder.Latency.GetValueAtPercentile(p));
        }
    }

    [Fact]
    public async Task RequestsSentLateBecauseTheClientWasHeldUpCountFromWhenTheyWereDue()
    {
        var time = new ManualTimeProvider();
        // The first send holds the sender for a whole second (a connection that takes that long to open).
        var target = new HoldingTarget(time, TimeSpan.FromSeconds(1));
        var runner = Runner(Settings(rate: 10, duration: TimeSpan.FromSeconds(2)), target, time);
        var start = time.GetTimestamp();

        var recorder = await runner.RunAsync(TestContext.Current.CancellationToken);

        // Requests 1..9, due at 100..900 ms, could only leave at 1 s; each is answered at once when it leaves.
        Assert.All(target.Sends.Skip(1).Take(9), sent => Assert.Equal(start + TimeSpan.TicksPerSecond, sent));
        // Measured from sending they would all be 0 but the first; from when they were due they waited 1 s − i × 100 ms.
        Assert.Equal(20, recorder.Latency.TotalCount);
        AssertMicros(1_000_000, recorder.Latency.GetMaxValue());
        AssertMicros(Enumerable.Range(0, 10).Sum(i => 1_000_000.0 - (i * 100_000)) / 20, recorder.Latency.GetMean());
        AssertMicros(100_000, recorder.Latency.GetValueAtPercentile(55));
    }

    [Fact]
    public async Task RequestsBeyondTheInFlightCapAreCountedAsClientOverloadAndNotSent()
    {
        var time = new ManualTimeProvider();
        var target = new StalledTarget(time);
        var runner = Runner(Settings(rate: 10, duration: TimeSpan.FromSeconds(2)) with { MaxInflight = 5 }, target, time);

        var run = runner.RunAsync(TestContext.Current.CancellationToken);
        await target.WaitForArrivalsAsync(5);
        while (runner.Recorder?.Counts().Scheduled < 20)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        target.Release();
        var counts = (await run).Counts();

        Assert.Equal(5, target.Arrivals.Count);
        Assert.Equal(20, counts.Scheduled);
        Assert.Equal(5, counts.Sent);
        Assert.Equal(5, counts.Succeeded);
        Assert.Equal(15, counts.Errors);
        Assert.Equal(15, counts.ErrorsByKind[ErrorKinds.ClientOverload]);
    }

    [Fact]
    public async Task WarmupRequestsAreSentButNotMeasured()
    {
        var time = new ManualTimeProvider();
        var target = new StalledTarget(time);
        var settings = Settings(rate: 10, duration: TimeSpan.FromSeconds(1)) with { Warmup = TimeSpan.FromSeconds(1) };
        var runner = Runner(settings, target, time);
        var start = time.GetTimestamp();

        var run = runner.RunAsync(TestContext.Current.CancellationToken);
        await target.WaitForArrivalsAsync(20);
        time.MoveTo(start + (3 * TimeSpan.TicksPerSecond));
        target.Release();
        var recorder = await run;
        var counts = recorder.Counts();

        Assert.Equal(20, target.Arrivals.Count);
        Assert.Equal(10, counts.Warmup);
        Assert.Equal(10, counts.Sent);
        Assert.Equal(10, recorder.Latency.TotalCount);
        // The first measured request was due at 1 s and answered at 3 s.
        AssertMicros(2_000_000, recorder.Latency.GetMaxValue());
        // The window runs from the end of the warm-up to the last answer.
        Assert.Equal(2.0, counts.WindowSeconds, 1e-9);
    }

    [Fact]
    public async Task TheRequestCountEndsTheRunBeforeTheDuration()
    {
        var time = new ManualTimeProvider();
        var target = new StalledTarget(time);
        var runner = Runner(Settings(rate: 10, duration: TimeSpan.FromHours(1)) with { Requests = 7 }, target, time);

        var run = runner.RunAsync(TestContext.Current.CancellationToken);
        await target.WaitForArrivalsAsync(7);
        target.Release();
        var counts = (await run).Counts();

        Assert.Equal(7, counts.Scheduled);
        Assert.Equal(7, target.Arrivals.Count);
    }

    [Fact]
    public async Task ClosedLoopKeepsAtMostItsWorkersInFlightAndStopsAtTheRequestCount()
    {
        var time = new ManualTimeProvider();
        var target = new SteadyTarget(time, TimeSpan.FromMilliseconds(3));
        var settings = Settings(rate: null, duration: TimeSpan.FromHours(1)) with { Concurrency = 3, Requests = 30 };

        var counts = (await Runner(settings, target, time).RunAsync(TestContext.Current.CancellationToken)).Counts();

        Assert.Equal(30, target.Calls);
        Assert.Equal(30, counts.Completed);
        Assert.Equal(30, counts.Succeeded);
        Assert.InRange(target.MaxInFlight, 1, 3);
    }

    [Fact]
    public async Task StoppingEndsTheSendingAndLetsRequestsInFlightFinish()
    {
        var target = new StalledTarget(TimeProvider.System);
        var runner = Runner(Settings(rate: 1000, duration: TimeSpan.FromHours(1)), target, TimeProvider.System);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = runner.RunAsync(stop.Token);
        await target.WaitForArrivalsAsync(10);
        await stop.CancelAsync();
        target.Release();
        var counts = (await run).Counts();

        Assert.InRange(counts.Sent, 10, 3_600_000 - 1);
        Assert.Equal(counts.Sent, counts.Completed);
        Assert.Equal(counts.Sent, counts.Succeeded);
    }

    private static LoadSettings Settings(double? rate, TimeSpan duration) => new()
    {
        Target = new Uri("http://127.0.0.1:1"),
        QueriesPath = "queries.txt",
        Rate = rate,
        Duration = duration,
        Warmup = TimeSpan.Zero,
    };

    private static LoadRunner Runner(LoadSettings settings, ISearchTarget target, TimeProvider time) =>
        new(settings, target, new QuerySequence(Queries, 0, seed: 1), time);

    /// <summary>A latency read back from the recorder's histogram, which keeps 3 significant digits.</summary>
    private static void AssertMicros(double expected, double actual) => Assert.Equal(expected, actual, expected / 1000);
}
