using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using HdrHistogram;
using Search.Client;
using Search.Contracts.V1;
using Search.LoadTest.Reporting;

namespace Search.LoadTest.Targets;

/// <summary>
/// Each request upserts <paramref name="batch"/> small documents through the gateway's gRPC UpsertDocuments: the
/// query line as each one's text plus a word of its own, so a BM25 search for that word finds it and nothing else.
/// The last document of every <see cref="ProbeEvery"/>-th acknowledged request is then searched for (the gateway's Retrieve, every
/// <see cref="ProbeInterval"/>) until it is found, which measures how long after its acknowledgement a
/// document is searchable. <see cref="FinishAsync"/> waits for the probes and deletes every document the run
/// wrote, so a run leaves the index as it found it.
/// </summary>
public sealed class IngestTarget(string address, TimeSpan timeout, string? apiKey, int seed, int batch = 1) : ISearchTarget
{
    public const int ProbeEvery = 10;

    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>A probe gives up after this long; the document counts as not searchable.</summary>
    public static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(10);

    private const int DeleteBatch = 500;

    private readonly SearchClient _client = new(address, new SearchClientOptions { IngestTimeout = timeout, SearchTimeout = timeout, ApiKey = apiKey });
    private readonly ConcurrentQueue<string> _written = new();
    private readonly ConcurrentBag<Task> _probes = [];
    private readonly LongConcurrentHistogram _visibleAfterMicros = new(1, 60_000_000, 3);
    private readonly string _run = string.Create(CultureInfo.InvariantCulture, $"{(uint)seed:x}{Environment.ProcessId:x}");
    private long _sequence;
    private long _notVisible;
    private long _probeErrors;

    /// <summary>The document's own word: letters and digits only, so every analyser keeps it whole.</summary>
    public static string MarkerOf(string run, long n) => string.Create(CultureInfo.InvariantCulture, $"loadzq{run}x{n}");

    public async Task<RequestOutcome> SearchAsync(string query, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _sequence);
        var documents = Enumerable.Range(1, batch).Select(i =>
        {
            var marker = MarkerOf(_run, (n - 1) * batch + i);
            return new Document { Id = "load-" + marker, Title = "load test " + marker, Text = query + " " + marker, Lang = "en" };
        }).ToList();
        try
        {
            await _client.UpsertAsync(documents, cancellationToken);
        }
        catch (GatewayUnreachableException)
        {
            return RequestOutcome.Failure(ErrorKinds.Connection);
        }
        catch (RpcException e)
        {
            // A failed upsert may still have landed: FinishAsync deletes its ids too.
            Written(documents);
            return RequestOutcome.Failure(GrpcTarget.ErrorKind(e.StatusCode));
        }

        Written(documents);
        if (n % ProbeEvery == 0)
        {
            _probes.Add(ProbeAsync(MarkerOf(_run, n * batch), documents[^1].Id));
        }

        return RequestOutcome.Success(cached: false, degraded: [], hasAnswer: false);
    }

    private void Written(List<Document> documents)
    {
        foreach (var document in documents)
        {
            _written.Enqueue(document.Id);
        }
    }

    private async Task ProbeAsync(string marker, string id)
    {
        var acknowledged = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(acknowledged) < ProbeLimit)
        {
            try
            {
                var found = await _client.RetrieveAsync(marker, 1, idsOnly: true);
                if (found.Passages.Any(p => p.Passage.DocumentId == id))
                {
                    _visibleAfterMicros.RecordValue(Math.Max(1, (long)TimeProvider.System.GetElapsedTime(acknowledged).TotalMicroseconds));
                    return;
                }
            }
            catch (Exception e) when (e is RpcException or GatewayUnreachableException)
            {
                Interlocked.Increment(ref _probeErrors);
            }

            await Task.Delay(ProbeInterval);
        }

        Interlocked.Increment(ref _notVisible);
    }

    /// <summary>Waits for the probes, then deletes what the run wrote; the visibility figures of the run.</summary>
    public async Task<IngestVisibility> FinishAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        await Task.WhenAll(_probes);
        var ids = _written.ToArray();
        var deleted = 0;
        for (var start = 0; start < ids.Length; start += DeleteBatch)
        {
            try
            {
                deleted += await _client.DeleteAsync(ids[start..Math.Min(ids.Length, start + DeleteBatch)], cancellationToken);
            }
            catch (Exception e) when (e is RpcException or GatewayUnreachableException)
            {
                await progress.WriteLineAsync($"warning: could not delete {ids.Length - start} of the run's documents (ids start with load-loadzq{_run}): {e.Message}");
                break;
            }
        }

        return new IngestVisibility(
            _probes.Count,
            LatencySummary.From(_visibleAfterMicros),
            Interlocked.Read(ref _notVisible),
            Interlocked.Read(ref _probeErrors),
            deleted);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// How long after its acknowledgement a sampled document was found by a search (<paramref name="VisibleAfter"/>),
/// how many never were within <see cref="IngestTarget.ProbeLimit"/>, probe searches that failed, and the run's
/// documents deleted at its end.
/// </summary>
public sealed record IngestVisibility(int Probed, LatencySummary VisibleAfter, long NotVisible, long ProbeErrors, int Deleted)
{
    /// <summary>Documents acknowledged per second of the measured window (successful requests × --batch).</summary>
    public double DocumentsPerSecond { get; init; }
}
