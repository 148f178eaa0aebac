using System.Collections.Concurrent;
using Search.LoadTest.Targets;

namespace Search.LoadTest.Tests;

/// <summary>A server that has stalled: every search waits until the test releases them all.</summary>
public sealed class StalledTarget(TimeProvider time) : ISearchTarget
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<long> _arrivals = new();
    private readonly SemaphoreSlim _arrived = new(0);

    /// <summary>When each search reached the server, in order of arrival.</summary>
    public IReadOnlyList<long> Arrivals => [.. _arrivals];

    public async Task<RequestOutcome> SearchAsync(string query, CancellationToken cancellationToken)
    {
        _arrivals.Enqueue(time.GetTimestamp());
        _arrived.Release();
        await _release.Task;
        return RequestOutcome.Success(cached: false, [], hasAnswer: false);
    }

    public async Task WaitForArrivalsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _arrived.WaitAsync(TestContext.Current.CancellationToken);
        }
    }

    public void Release() => _release.TrySetResult();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A server that answers each search after <paramref name="serviceTime"/> of the manual clock, counting how many it held at once.</summary>
public sealed class SteadyTarget(ManualTimeProvider time, TimeSpan serviceTime) : ISearchTarget
{
    private int _inFlight;
    private int _maxInFlight;
    private int _calls;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Calls => Volatile.Read(ref _calls);

    public async Task<RequestOutcome> SearchAsync(string query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        await Task.Yield();
        time.Advance(serviceTime);
        Interlocked.Decrement(ref _inFlight);
        return RequestOutcome.Success(cached: query.Contains("hot", StringComparison.Ordinal), [], hasAnswer: true);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Answers at once, but its first send holds the caller for <paramref name="hold"/> of the manual clock before it returns.</summary>
public sealed class HoldingTarget(ManualTimeProvider time, TimeSpan hold) : ISearchTarget
{
    private readonly ConcurrentQueue<long> _sends = new();
    private int _calls;

    /// <summary>When each search actually left, in order.</summary>
    public IReadOnlyList<long> Sends => [.. _sends];

    public Task<RequestOutcome> SearchAsync(string query, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _calls) == 1)
        {
            time.Advance(hold);
        }

        _sends.Enqueue(time.GetTimestamp());
        return Task.FromResult(RequestOutcome.Success(cached: false, [], hasAnswer: false));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
