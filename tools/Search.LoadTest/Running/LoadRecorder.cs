using System.Collections.Concurrent;
using HdrHistogram;
using Search.LoadTest.Reporting;
using Search.LoadTest.Targets;

namespace Search.LoadTest.Running;

/// <summary>What the progress line shows: everything sent so far, warm-up included, and the measured errors and p99.</summary>
public readonly record struct ProgressSnapshot(long Sent, long Completed, long Errors, double P99Ms);

/// <summary>
/// Counts what happened to every request, from any thread. Warm-up requests are only counted as sent and
/// completed; everything else is about measured requests. Latency is taken from when a request was due
/// to when its answer arrived, in microseconds, into HDR histograms that keep 3 significant digits.
/// </summary>
public sealed class LoadRecorder(long timestampFrequency, long measureStartTimestamp)
{
    /// <summary>The longest latency told apart, a week in microseconds; longer ones are recorded as a week.</summary>
    public const long MaxLatencyMicros = 7L * 24 * 3600 * 1_000_000;

    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _degradedStages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _cpuMs = new(StringComparer.Ordinal);
    private long _costed;
    private long _sent;
    private long _completed;
    private long _warmup;
    private long _scheduled;
    private long _measuredSent;
    private long _measuredCompleted;
    private long _succeeded;
    private long _cached;
    private long _degraded;
    private long _answers;
    private long _repeats;
    private long _errorCount;
    private long _lastCompletion = long.MinValue;

    /// <summary>
    /// Latency of successful measured requests, in microseconds. Safe to record into from any thread; read while
    /// requests are still completing (the progress line), it shows a moment's approximate state.
    /// </summary>
    public HistogramBase Latency { get; } = NewHistogram();

    /// <summary>Latency of every measured request that got an answer or gave up, errors included, in microseconds.</summary>
    public HistogramBase LatencyWithErrors { get; } = NewHistogram();

    /// <summary>Latency of the measured requests that ended in an error (how fast a refusal came back), in microseconds.</summary>
    public HistogramBase ErrorLatency { get; } = NewHistogram();

    public long MeasureStartTimestamp { get; } = measureStartTimestamp;

    public long TimestampFrequency { get; } = timestampFrequency;

    /// <summary>
    /// The open loop's measured schedule in seconds (measured requests due ÷ rate): the window is never shorter,
    /// so requests answered faster than they were due do not make the rate look higher than the one sent.
    /// </summary>
    public double ScheduledSeconds { get; set; }

    public void Sent(bool measured, bool repeat)
    {
        Interlocked.Increment(ref _sent);
        if (!measured)
        {
            Interlocked.Increment(ref _warmup);
            return;
        }

        Interlocked.Increment(ref _scheduled);
        Interlocked.Increment(ref _measuredSent);
        if (repeat)
        {
            Interlocked.Increment(ref _repeats);
        }
    }

    /// <summary>A request that was due but not sent because too many were in flight.</summary>
    public void Overloaded(bool measured)
    {
        if (measured)
        {
            Interlocked.Increment(ref _scheduled);
            CountError(ErrorKinds.ClientOverload);
        }
    }

    public void Completed(bool measured, long intendedTimestamp, long completedTimestamp, RequestOutcome outcome)
    {
        Interlocked.Increment(ref _completed);
        if (!measured)
        {
            return;
        }

        var micros = Math.Clamp((long)Math.Round((completedTimestamp - intendedTimestamp) * 1e6 / TimestampFrequency), 0, MaxLatencyMicros);
        Interlocked.Increment(ref _measuredCompleted);
        LatencyWithErrors.RecordValue(micros);
        AtomicLong.Max(ref _lastCompletion, completedTimestamp);
        if (!outcome.IsSuccess)
        {
            ErrorLatency.RecordValue(micros);
            CountError(outcome.Error!);
            return;
        }

        Latency.RecordValue(micros);
        Interlocked.Increment(ref _succeeded);
        if (outcome.Cached)
        {
            Interlocked.Increment(ref _cached);
        }

        if (outcome.HasAnswer)
        {
            Interlocked.Increment(ref _answers);
        }

        if (outcome.Costs is { Count: > 0 } costs)
        {
            Interlocked.Increment(ref _costed);
            foreach (var (stage, ms) in costs)
            {
                _cpuMs.AddOrUpdate(stage, ms, (_, sum) => sum + ms);
            }
        }

        if (outcome.Degraded.Count > 0)
        {
            Interlocked.Increment(ref _degraded);
            foreach (var stage in outcome.Degraded)
            {
                _degradedStages.AddOrUpdate(stage, 1, (_, n) => n + 1);
            }
        }
    }

    public ProgressSnapshot Progress() =>
        new(Interlocked.Read(ref _sent), Interlocked.Read(ref _completed), Interlocked.Read(ref _errorCount), LatencySummary.MsAt(Latency, 99));

    /// <summary>The measured totals; call once every request has finished.</summary>
    public LoadCounts Counts()
    {
        var last = Interlocked.Read(ref _lastCompletion);
        var window = last == long.MinValue ? 0 : Math.Max(ScheduledSeconds, (double)(last - MeasureStartTimestamp) / TimestampFrequency);
        return new LoadCounts(
            WindowSeconds: window,
            Warmup: _warmup,
            Scheduled: _scheduled,
            Sent: _measuredSent,
            Completed: _measuredCompleted,
            Succeeded: _succeeded,
            Repeats: _repeats,
            Cached: _cached,
            Degraded: _degraded,
            Answers: _answers,
            Errors: _errorCount,
            ErrorsByKind: new SortedDictionary<string, long>(_errors, StringComparer.Ordinal),
            DegradedByStage: new SortedDictionary<string, long>(_degradedStages, StringComparer.Ordinal),
            Costed: _costed,
            CpuMsByStage: new Dictionary<string, double>(_cpuMs, StringComparer.Ordinal));
    }

    private void CountError(string kind)
    {
        Interlocked.Increment(ref _errorCount);
        _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    private static LongConcurrentHistogram NewHistogram() => new(1, MaxLatencyMicros, 3);
}

/// <summary>
/// Measured totals. Scheduled = sent + not sent (client_overload); completed = sent and finished, with an
/// answer or an error; the window runs from the end of the warm-up to the last completion. Costed responses are the
/// successful ones that reported what they cost; <see cref="LoadCounts.CpuMsByStage"/> sums their CPU by service.
/// </summary>
public sealed record LoadCounts(
    double WindowSeconds,
    long Warmup,
    long Scheduled,
    long Sent,
    long Completed,
    long Succeeded,
    long Repeats,
    long Cached,
    long Degraded,
    long Answers,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    IReadOnlyDictionary<string, long> DegradedByStage,
    long Costed,
    IReadOnlyDictionary<string, double> CpuMsByStage);
