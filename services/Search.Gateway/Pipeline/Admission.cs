using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Search.Gateway.Pipeline;

/// <summary>Configuration section "Gateway:Admission": how many searches are worked on at once and how long one may wait.</summary>
public sealed class AdmissionOptions
{
    public const string Section = "Gateway:Admission";

    /// <summary>Searches worked on at once; 0 sizes it to the machine (<see cref="Slots.PerProcessor"/> per processor).</summary>
    [Range(0, 10_000)]
    public int MaxConcurrent { get; set; }

    /// <summary>The longest a search waits for a slot before it is refused, in ms.</summary>
    [Range(0, 60_000)]
    public int MaxQueueMs { get; set; } = 500;

    /// <summary>
    /// A queue is standing when every search that left it for the last <see cref="StandingIntervalMs"/> had waited
    /// longer than this, in ms. While it stands, a search that would have to join it is refused at once: the cluster
    /// is over capacity, and a search that joins only waits to be refused at <see cref="MaxQueueMs"/> or to push
    /// the ones behind it past theirs. A burst still queues; a search that waited less than this ends the standing.
    /// </summary>
    [Range(1, 60_000)]
    public int StandingWaitMs { get; set; } = 50;

    /// <summary>How long the queue must stand before arrivals are refused at once, in ms (see <see cref="StandingWaitMs"/>).</summary>
    [Range(0, 60_000)]
    public int StandingIntervalMs { get; set; } = 100;

    /// <summary>
    /// A search admitted while more than this many are being worked on (itself included) is answered without the
    /// neural reader, whose read costs more CPU than the rest of the search; 0 sizes it to the processors. Reads then
    /// run only when the cores have time for them, and the searches around them keep their latency (docs/quality.md,
    /// "The reader and latency").
    /// </summary>
    [Range(0, 10_000)]
    public int ReaderInFlight { get; set; }

    /// <summary>What a search is assumed to take before any has been timed, in ms.</summary>
    [Range(1, 60_000)]
    public int InitialServiceMs { get; set; } = 30;
}

/// <summary>How much the pipeline leaves out because searches are waiting: each level also leaves out the ones before it.</summary>
public enum Pressure
{
    None,

    /// <summary>
    /// Searches are queued: streamed answers use the extractive answer instead of generating, and the extractive
    /// answer's short answer is the feature ranker's (no neural read, which costs ten times the rest of the stage).
    /// </summary>
    SkipGeneration,

    /// <summary>The same level as <see cref="SkipGeneration"/>: both go as soon as anything waits.</summary>
    SkipReader = SkipGeneration,

    /// <summary>As many queued as slots: no answer stage.</summary>
    SkipAnswer,

    /// <summary>Twice as many queued as slots: no rerank either (retrieval order).</summary>
    SkipRerank,
}

/// <summary>
/// Admission control in front of the search pipeline: at most <see cref="AdmissionOptions.MaxConcurrent"/> searches
/// are worked on at once and the rest wait in order. A search whose deadline cannot be met by the expected
/// wait plus the time a search takes is refused at once, before any stage sees it; one that waits longer than
/// <see cref="AdmissionOptions.MaxQueueMs"/> or past what its deadline allows is refused then; one whose caller
/// has gone is dropped from the queue. While the queue stands (every search leaving it waited longer than
/// <see cref="AdmissionOptions.StandingWaitMs"/> for <see cref="AdmissionOptions.StandingIntervalMs"/>), a search that
/// would have to join it is refused at once. Searches admitted while others wait are told the pressure, and the
/// pipeline leaves out its dearest parts first.
/// </summary>
public sealed class Admission : IDisposable
{
    private const double Smoothing = 0.1;

    private readonly ConcurrencyLimiter _slots;
    private readonly AdmissionOptions _options;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly Lock _lock = new();
    private double _serviceMs;
    private long _standingSince;

    public Admission(IOptions<AdmissionOptions> options, TimeProvider time, GatewayMetrics metrics)
    {
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _serviceMs = _options.InitialServiceMs;
        SlotCount = Slots.Of(_options.MaxConcurrent);
        ReaderInFlight = _options.ReaderInFlight > 0 ? _options.ReaderInFlight : Environment.ProcessorCount;
        _slots = Slots.Limiter(SlotCount);
    }

    public int SlotCount { get; }

    /// <summary>The most searches in flight at which one admitted still gets the neural reader (<see cref="AdmissionOptions.ReaderInFlight"/>).</summary>
    public int ReaderInFlight { get; }

    /// <summary>Searches holding a slot now.</summary>
    public long InFlight => SlotCount - (_slots.GetStatistics()?.CurrentAvailablePermits ?? SlotCount);

    /// <summary>Searches waiting for a slot now.</summary>
    public long Queued => _slots.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>The recent time a search held its slot, in ms (exponentially smoothed).</summary>
    public double ServiceMs
    {
        get
        {
            lock (_lock)
            {
                return _serviceMs;
            }
        }
    }

    /// <summary>
    /// Waits for a slot for a search that must end by <paramref name="deadline"/> (UTC). Throws
    /// <see cref="OverloadedException"/> when it cannot be served in time, and <see cref="OperationCanceledException"/>
    /// when <paramref name="ct"/> (the caller) gives up while it waits.
    /// </summary>
    public async Task<AdmissionTicket> EnterAsync(DateTime deadline, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var serviceMs = ServiceMs;
        var expectedWaitMs = (Queued + 1) * serviceMs / SlotCount;
        var lease = _slots.AttemptAcquire();
        if (lease.IsAcquired)
        {
            LeftQueue(waitedMs: 0);
        }
        else
        {
            lease.Dispose();
            if (Standing())
            {
                throw Refuse(expectedWaitMs, $"the gateway is overloaded: {Queued} searches have been waiting longer than {_options.StandingWaitMs} ms for {SlotCount} slots; retry shortly");
            }

            // Enough time left to wait the expected while and then be served?
            var allowedMs = Math.Min(_options.MaxQueueMs, (deadline - now).TotalMilliseconds - serviceMs);
            if (expectedWaitMs > allowedMs)
            {
                throw Refuse(expectedWaitMs, $"the gateway is overloaded: {Queued} searches are waiting for {SlotCount} slots and this one could not be served before its deadline; retry shortly");
            }

            using var timeUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Max(0, allowedMs)), _time);
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct, timeUp.Token);
            try
            {
                lease = await _slots.AcquireAsync(1, waiting.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw Refuse(expectedWaitMs, $"the gateway is overloaded: no slot came free within {allowedMs:0} ms; retry shortly");
            }

            if (!lease.IsAcquired)
            {
                lease.Dispose();
                throw Refuse(expectedWaitMs, "the gateway is overloaded: its queue is full; retry shortly");
            }

            LeftQueue((_time.GetUtcNow().UtcDateTime - now).TotalMilliseconds);
        }

        var pressure = PressureNow();
        var skipReader = pressure >= Pressure.SkipReader || InFlight > ReaderInFlight;
        return new AdmissionTicket(this, lease, pressure, skipReader, _time.GetTimestamp());
    }

    /// <summary>The pressure a search admitted now works under, from how many are still waiting.</summary>
    private Pressure PressureNow()
    {
        var queued = Queued;
        return queued switch
        {
            0 => Pressure.None,
            _ when queued >= 2L * SlotCount => Pressure.SkipRerank,
            _ when queued >= SlotCount => Pressure.SkipAnswer,
            _ => Pressure.SkipGeneration,
        };
    }

    /// <summary>Whether searches are waiting and every one that left the queue lately had waited too long.</summary>
    private bool Standing()
    {
        lock (_lock)
        {
            return _standingSince != 0 && Queued > 0
                && _time.GetElapsedTime(_standingSince).TotalMilliseconds >= _options.StandingIntervalMs;
        }
    }

    /// <summary>A search got its slot after waiting <paramref name="waitedMs"/>: a long wait starts (or continues) a standing queue, a short one ends it.</summary>
    private void LeftQueue(double waitedMs)
    {
        var shortWait = waitedMs <= _options.StandingWaitMs;
        if (shortWait && Volatile.Read(ref _standingSince) == 0)
        {
            return; // the common case, a search that found a slot at once: nothing to change, no lock taken
        }

        lock (_lock)
        {
            if (shortWait)
            {
                _standingSince = 0;
            }
            else if (_standingSince == 0)
            {
                _standingSince = _time.GetTimestamp();
            }
        }
    }

    private OverloadedException Refuse(double expectedWaitMs, string message)
    {
        _metrics.RecordRefused();
        return new OverloadedException(message, TimeSpan.FromMilliseconds(Math.Max(1_000, expectedWaitMs)));
    }

    internal void Leave(RateLimitLease lease, long startedTimestamp)
    {
        lease.Dispose();
        var heldMs = _time.GetElapsedTime(startedTimestamp).TotalMilliseconds;
        lock (_lock)
        {
            _serviceMs += Smoothing * (heldMs - _serviceMs);
        }
    }

    public void Dispose() => _slots.Dispose();
}

/// <summary>A search's slot: the pressure it runs under; disposing it (once) frees the slot.</summary>
public sealed class AdmissionTicket(Admission admission, RateLimitLease lease, Pressure pressure, bool skipReader, long startedTimestamp) : IDisposable
{
    public Pressure Pressure { get; } = pressure;

    /// <summary>
    /// The answer is taken without the neural reader: searches are queued (<see cref="Pressure.SkipReader"/>) or more
    /// are in flight than <see cref="Admission.ReaderInFlight"/>.
    /// </summary>
    public bool SkipReader { get; } = skipReader;

    public void Dispose() => admission.Leave(lease, startedTimestamp);
}
