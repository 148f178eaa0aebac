using Search.LoadTest.Queries;
using Search.LoadTest.Targets;

namespace Search.LoadTest.Running;

/// <summary>
/// Sends the searches of one load test. Open loop: request i leaves when it is due on the
/// <see cref="ArrivalSchedule"/>, without waiting for earlier answers, and its latency counts from when it was
/// due, so time it spent queued behind a slow server (or a late client) is in the numbers (no coordinated
/// omission). Closed loop: each worker sends its next request when its previous answer arrived.
/// Cancelling stops the sending; requests already in flight still finish, each within its timeout.
/// </summary>
public sealed class LoadRunner(LoadSettings settings, ISearchTarget target, QuerySequence queries, TimeProvider time)
{
    private LoadRecorder? _recorder;
    // Requests in flight, plus one held by the open loop's scheduler until it has sent its last request.
    private long _pending;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The counts so far; null until the run has started.</summary>
    public LoadRecorder? Recorder => Volatile.Read(ref _recorder);

    public async Task<LoadRecorder> RunAsync(CancellationToken stopSending = default)
    {
        var start = time.GetTimestamp();
        var frequency = time.TimestampFrequency;
        var measureStart = start + (long)Math.Round(settings.Warmup.TotalSeconds * frequency);
        var recorder = new LoadRecorder(frequency, measureStart);
        Volatile.Write(ref _recorder, recorder);
        if (settings.Rate is { } rate)
        {
            var schedule = new ArrivalSchedule(start, frequency, rate, settings.Warmup, settings.Duration, settings.Requests);
            await RunOpenLoopAsync(schedule, rate, recorder, stopSending);
        }
        else
        {
            var end = measureStart + (long)Math.Round(settings.Duration.TotalSeconds * frequency);
            long claimed = 0;
            var workers = Enumerable.Range(0, settings.Concurrency ?? 1)
                .Select(_ => Task.Run(() => RunWorkerAsync(recorder, measureStart, end, () => Interlocked.Increment(ref claimed), stopSending), CancellationToken.None));
            await Task.WhenAll(workers);
        }

        return recorder;
    }

    private async Task RunOpenLoopAsync(ArrivalSchedule schedule, double rate, LoadRecorder recorder, CancellationToken stopSending)
    {
        Interlocked.Exchange(ref _pending, 1);
        long i = 0;
        for (; i < schedule.TotalCount && !stopSending.IsCancellationRequested; i++)
        {
            var intended = schedule.IntendedTimestamp(i);
            var now = time.GetTimestamp();
            if (intended > now)
            {
                try
                {
                    await Task.Delay(time.GetElapsedTime(now, intended), time, stopSending);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            // A request the scheduler is late for still counts from when it was due.
            var measured = schedule.IsMeasured(i);
            if (Volatile.Read(ref _pending) - 1 >= settings.MaxInflight)
            {
                recorder.Overloaded(measured);
                continue;
            }

            Interlocked.Increment(ref _pending);
            _ = SendAsync(queries.Next(), intended, measured, recorder, releasesPending: true);
        }

        recorder.ScheduledSeconds = Math.Max(0, i - schedule.WarmupCount) / rate;
        ReleasePending();
        await _drained.Task;
    }

    private async Task RunWorkerAsync(LoadRecorder recorder, long measureStart, long end, Func<long> claim, CancellationToken stopSending)
    {
        while (!stopSending.IsCancellationRequested)
        {
            var now = time.GetTimestamp();
            if (now >= end)
            {
                return;
            }

            var measured = now >= measureStart;
            if (measured && claim() > (settings.Requests ?? long.MaxValue))
            {
                return;
            }

            await SendAsync(queries.Next(), now, measured, recorder, releasesPending: false);
        }
    }

    private async Task SendAsync(NextQuery query, long intended, bool measured, LoadRecorder recorder, bool releasesPending)
    {
        try
        {
            recorder.Sent(measured, query.IsRepeat);
            RequestOutcome outcome;
            try
            {
                // Not the stop token: a request already sent is allowed to finish, within its timeout.
                outcome = await target.SearchAsync(query.Text, CancellationToken.None);
            }
            catch (Exception e)
            {
                // A target is not meant to throw; if one does, the request is an error named by what was thrown.
                outcome = RequestOutcome.Failure(e.GetType().Name);
            }

            recorder.Completed(measured, intended, time.GetTimestamp(), outcome);
        }
        finally
        {
            if (releasesPending)
            {
                ReleasePending();
            }
        }
    }

    private void ReleasePending()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
