using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Embeddings;

/// <summary>
/// Gives English passages of the Lucene index their vectors after ingest: ingest commits passages marked
/// pending (searchable by BM25 at once), and this worker takes them from the index in rounds, embeds them and
/// writes the vectors back. The backlog is the index itself, so a restart resumes it. Reports the backlog as
/// the gauge "search.vectors.pending" and the vectors written as the counter "search.vectors.written" (meter
/// "Search.Retrieval"). Elasticsearch embeds at ingest and has no backlog.
/// </summary>
public sealed class VectorBackfill : BackgroundService
{
    public const string MeterName = "Search.Retrieval";

    // Upserts wake the worker; the timeout only bounds how long a missed wake-up could leave a backlog waiting.
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryAfterError = TimeSpan.FromSeconds(5);

    private readonly PassageIndex? _index;
    private readonly bool _enabled;
    private readonly ILogger<VectorBackfill> _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _written;

    public VectorBackfill(IPassageStore store, PassageEmbedder embedder, IOptions<RetrievalOptions> options, IMeterFactory meters, ILogger<VectorBackfill> logger)
    {
        _index = store as PassageIndex;
        _enabled = _index is not null && embedder.IsEnabled && options.Value.Embeddings.Backfill;
        _logger = logger;
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge(
            "search.vectors.pending",
            () => _index is { IsOpen: true } index ? index.PendingVectors() : 0,
            description: "English passages searchable by BM25 whose sentence vector is not written yet (the backfill's backlog).");
        _written = _meter.CreateCounter<long>(
            "search.vectors.written", description: "Passage vectors the backfill wrote into the index.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled || _index is null)
        {
            return;
        }

        // Leaves host start-up before the first, possibly long, round.
        await Task.Yield();
        var drained = Stopwatch.StartNew();
        long writtenSinceIdle = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var round = await Task.Run(() => _index.EmbedPending(stoppingToken), stoppingToken);
                _written.Add(round.Written);
                writtenSinceIdle += round.Written;
                if (round.Taken > 0)
                {
                    continue;
                }

                if (writtenSinceIdle > 0)
                {
                    _logger.LogInformation("Vector backlog done: {Passages} passages embedded in {Seconds:0.0} s", writtenSinceIdle, drained.Elapsed.TotalSeconds);
                    writtenSinceIdle = 0;
                }

                await _index.WaitForBacklogAsync(IdleWait, stoppingToken);
                drained.Restart();
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
                await Task.Delay(RetryAfterError, stoppingToken);
            }
        }
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }
}
