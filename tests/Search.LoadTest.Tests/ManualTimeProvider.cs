using Search.LoadTest.Running;

namespace Search.LoadTest.Tests;

/// <summary>
/// A clock that moves only when told to, or when someone waits on it: a timer jumps the clock straight to its
/// due time and fires at once. A schedule therefore runs instantly and exactly on its times, and a test sets
/// the clock to when a stalled server answers.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _ticks = TimeSpan.TicksPerHour;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(GetTimestamp());

    /// <summary>Moves the clock forward (never back) to <paramref name="timestamp"/>.</summary>
    public void MoveTo(long timestamp) => AtomicLong.Max(ref _ticks, timestamp);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            MoveTo(GetTimestamp() + dueTime.Ticks);
            // After returning, so the caller holds its timer before the callback runs.
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new InertTimer();
    }

    private sealed class InertTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
