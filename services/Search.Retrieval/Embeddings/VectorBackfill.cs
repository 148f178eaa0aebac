using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Embeddings;

/// <summary>
/// Gives English passages of the Lucene index their vectors after ingest: ingest commits passages marked
/// pending (searchable by BM25 at once), and this worker takes them from the index in rounds, embeds them and
/// writes the vectors back. The backlog is the index itself, so a restart resumes it. It runs on its own thread
/// at a low priority (<see cref="EmbeddingOptions.BackfillNice"/>, 10) with its own model session, whose threads inherit that priority:
/// ingest and searches take the cores first, the vectors get what is left. Reports the backlog as the gauge
/// "search.vectors.pending" and the vectors written as the counter "search.vectors.written" (meter
/// "Search.Retrieval"). Elasticsearch embeds at ingest and has no backlog.
/// </summary>
public sealed class VectorBackfill : BackgroundService
{
    public const string MeterName = "Search.Retrieval";

    // Upserts wake the worker; the timeout only bounds how long a missed wake-up could leave a backlog waiting.
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryAfterError = TimeSpan.FromSeconds(5);

    private readonly PassageIndex? _index;
    private readonly EmbeddingOptions _options;
    private readonly int _mergeSegments;
    private readonly bool _enabled;
    private readonly ILogger<VectorBackfill> _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _written;

    public VectorBackfill(IPassageStore store, PassageEmbedder embedder, IOptions<RetrievalOptions> options, IMeterFactory meters, ILogger<VectorBackfill> logger)
    {
        _index = store as PassageIndex;
        _options = options.Value.Embeddings;
        _mergeSegments = options.Value.MergeSegmentsWhenIdle;
        _enabled = _index is not null && embedder.IsEnabled && _options.Backfill;
        _logger = logger;
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge(
            "search.vectors.pending",
            () => _index is { IsOpen: true } index ? index.PendingVectors() : 0,
            description: "English passages searchable by BM25 whose sentence vector is not written yet (the backfill's backlog).");
        _written = _meter.CreateCounter<long>(
            "search.vectors.written", description: "Passage vectors the backfill wrote into the index.");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled || _index is null)
        {
            return Task.CompletedTask;
        }

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(_index, stoppingToken);
                stopped.SetResult();
            }
            catch (Exception e)
            {
                stopped.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "vector backfill",
        };
        thread.Start();
        return stopped.Task;
    }

    private void Run(PassageIndex index, CancellationToken stoppingToken)
    {
        var nice = _options.BackfillNice;
        var lowered = nice > 0 && BackgroundPriority.TryLowerCurrentThread(nice);
        // Created on this thread after lowering its priority, so the session's worker threads run at it too; searches
        // embed their queries with the shared session at normal priority.
        using var encoder = new PassageEmbedder(_options);
        _logger.LogInformation("Vector backfill started ({Priority}), {Pending} passages pending",
            lowered ? $"nice {nice}" : nice == 0 ? "normal priority" : "normal priority: the platform did not allow lowering it", index.PendingVectors());

        var clock = Stopwatch.StartNew();
        long writtenSinceIdle = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var round = index.EmbedPending(encoder, stoppingToken);
                _written.Add(round.Written);
                writtenSinceIdle += round.Written;
                if (round.Taken > 0)
                {
                    continue;
                }

                if (writtenSinceIdle > 0)
                {
                    _logger.LogInformation("Vector backlog done: {Passages} passages embedded in {Seconds:0.0} s", writtenSinceIdle, clock.Elapsed.TotalSeconds);
                    writtenSinceIdle = 0;
                    MergeSegments(index);
                }

                index.WaitForBacklog(IdleWait, stoppingToken);
                clock.Restart();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // The index closed under a round while the host stops: what was not committed stays pending.
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Vector backfill round failed; retrying in {Seconds} s", RetryAfterError.TotalSeconds);
                stoppingToken.WaitHandle.WaitOne(RetryAfterError);
            }
        }
    }

    /// <summary>Each round wrote a segment: with the backlog done, the index is merged so searches look terms up in fewer.</summary>
    private void MergeSegments(PassageIndex index)
    {
        if (_mergeSegments == 0)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        var before = index.MergeSegments(_mergeSegments);
        if (before > _mergeSegments)
        {
            _logger.LogInformation("Index merged from {Before} segments to {After} in {Seconds:0.0} s", before, index.SegmentCount(), clock.Elapsed.TotalSeconds);
        }
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }
}
