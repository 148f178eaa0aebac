using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Search.Gateway.Pipeline;

namespace Search.Gateway.QueryLog;

/// <summary>
/// Records searches in the query log off the request path: <see cref="Record"/> samples the search and puts its entry
/// on a bounded queue without waiting; a background loop writes the queue in batches. A full queue or a failing
/// database drops entries (counted in search.querylog.dropped) and never slows or fails a search.
/// </summary>
public sealed class QueryLogWriter(
    IQueryLogStore store, IOptions<QueryLogOptions> options, GatewayMetrics metrics, TimeProvider time, ILogger<QueryLogWriter> logger)
    : BackgroundService
{
    private readonly QueryLogOptions _options = options.Value;
    private readonly Channel<QueryLogEntry> _queue = Channel.CreateBounded<QueryLogEntry>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Records a search's response, if the sample takes it.</summary>
    public void Record(SearchResponse response) => Enqueue(() => QueryLogEntry.Of(response, time.GetUtcNow()));

    /// <summary>Records a streamed search, if the sample takes it.</summary>
    public void Record(SearchResponse results, StreamedAnswer answer) => Enqueue(() => QueryLogEntry.Of(results, answer, time.GetUtcNow()));

    /// <summary>
    /// <paramref name="emit"/> for a streamed search, recording the search (if the sample takes it) when its answer
    /// event goes out.
    /// </summary>
    public Func<SearchEvent, CancellationToken, Task> Recording(Func<SearchEvent, CancellationToken, Task> emit)
    {
        SearchResponse? results = null;
        return (e, ct) =>
        {
            switch (e)
            {
                case ResultsEvent r:
                    results = r.Results;
                    break;
                case AnswerEvent a when results is not null:
                    Record(results, a.Answer);
                    break;
            }

            return emit(e, ct);
        };
    }

    /// <summary>Stops the loop, then writes whatever is still queued (the loop may have been stopped before it ever ran).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await WriteWaitingAsync([]);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<QueryLogEntry>(_options.BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await WriteWaitingAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is already queued is written below.
        }

        await WriteWaitingAsync(batch);
    }

    private void Enqueue(Func<QueryLogEntry> entry)
    {
        if (_options.SampleRate <= 0 || (_options.SampleRate < 1 && Random.Shared.NextDouble() >= _options.SampleRate))
        {
            return;
        }

        if (!_queue.Writer.TryWrite(entry()))
        {
            metrics.RecordQueryLogDropped("queue_full");
        }
    }

    /// <summary>Writes what is queued, batch by batch; not cancelled, so a batch taken off the queue is never lost to stopping.</summary>
    private async Task WriteWaitingAsync(List<QueryLogEntry> batch)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                await store.AppendAsync(batch, _options.MaxEntries, CancellationToken.None);
            }
            catch (Exception e) when (e is DbException or IOException or InvalidOperationException or TimeoutException)
            {
                metrics.RecordQueryLogDropped("write_failed", batch.Count);
                logger.LogWarning("Query log: {Count} entries not written: {Error}", batch.Count, e.Message);
            }
        }
    }
}
