using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Tests;

/// <summary>
/// Ordered, atomic writes on the real Lucene index: an older version never replaces a newer one, a batch that fails
/// leaves nothing behind, and a writer that fails (a full disk, simulated by <see cref="FailingDirectory"/>) makes the
/// index refuse writes and report not ready, with the reason, until it reopens.
/// </summary>
public sealed class OrderedWritesTests : IDisposable
{
    private readonly string _folder = TempFolder.Create();
    private FailingDirectory? _disk;
    private PassageIndex _index;

    public OrderedWritesTests() => _index = Open();

    public void Dispose()
    {
        _disk?.Heal();
        _index.Dispose();
        TempFolder.Delete(_folder);
    }

    private PassageIndex Open() =>
        new(new RetrievalOptions { DataDirectory = _folder, IngestThreads = 4 }, directory: inner => _disk = new FailingDirectory(inner));

    [Fact]
    public void OlderVersionNeverReplacesANewerOne()
    {
        _index.Upsert([new IngestDocument("ledger", "The zebra ledger was balanced in spring.", UpdatedAtUnixMs: 2_000)]);

        var stale = _index.Upsert([new IngestDocument("ledger", "The giraffe ledger was balanced in winter.", UpdatedAtUnixMs: 1_000)]);

        // Accepted (it was valid) but not written: a newer version had won already.
        Assert.Equal((1, 0, 0), (stale.Accepted, stale.Passages, stale.Rejected.Count));
        Assert.Empty(_index.Search("giraffe").Hits);
        Assert.Equal(2_000, Assert.Single(_index.Search("zebra").Hits).Passage.UpdatedAtUnixMs);

        // Of two equal versions the later write wins, so resending a version is idempotent.
        _index.Upsert([new IngestDocument("ledger", "The okapi ledger was balanced in autumn.", UpdatedAtUnixMs: 2_000)]);
        Assert.Single(_index.Search("okapi").Hits);
        Assert.Empty(_index.Search("zebra").Hits);
    }

    [Fact]
    public void ADeleteForgetsTheVersionSoAnyVersionMayComeBack()
    {
        _index.Upsert([new IngestDocument("ledger", "The zebra ledger.", UpdatedAtUnixMs: 2_000)]);
        Assert.Equal(1, _index.Delete(["ledger"]));

        var back = _index.Upsert([new IngestDocument("ledger", "The giraffe ledger.", UpdatedAtUnixMs: 1_000)]);

        Assert.Equal(1, back.Passages);
        Assert.Equal(1_000, Assert.Single(_index.Search("giraffe").Hits).Passage.UpdatedAtUnixMs);
    }

    [Fact]
    public async Task ConcurrentUpsertsOfOneIdKeepTheNewest()
    {
        var random = new Random(14);
        for (var round = 0; round < 5; round++)
        {
            var versions = Enumerable.Range(1, 48).Select(v => 1_700_000_000_000L + round * 1_000 + v).ToArray();
            random.Shuffle(versions);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writes = versions.Select(version => Task.Run(async () =>
            {
                await start.Task;
                // Half alone, half in a batch with another document, as a stream's batches would carry them.
                IngestDocument[] batch = version % 2 == 0
                    ? [new IngestDocument("ledger", $"Ledger version marker{version} of the lighthouse.", UpdatedAtUnixMs: version)]
                    : [new IngestDocument($"other-{version}", "An unrelated note about tea."), new IngestDocument("ledger", $"Ledger version marker{version} of the lighthouse.", UpdatedAtUnixMs: version)];
                return await _index.UpsertAsync(batch);
            })).ToArray();
            start.SetResult();
            await Task.WhenAll(writes);

            var newest = versions.Max();
            var hit = Assert.Single(_index.Search("ledger lighthouse").Hits);
            Assert.Equal(newest, hit.Passage.UpdatedAtUnixMs);
            Assert.Contains($"marker{newest}", hit.Passage.Text, StringComparison.Ordinal);
        }

        // And so it stays after a restart: the newest was the one committed.
        _index.Dispose();
        _index = Open();
        Assert.Equal(1_700_000_004_048, Assert.Single(_index.Search("ledger lighthouse").Hits).Passage.UpdatedAtUnixMs);
    }

    [Fact]
    public void UpsertWithoutVersionIsStampedWithItsReceiptAndReplacesOlderOnes()
    {
        _index.Upsert([new IngestDocument("note", "A note about puffins.", UpdatedAtUnixMs: 1_000)]);

        _index.Upsert([new IngestDocument("note", "A note about walruses.")]);

        var hit = Assert.Single(_index.Search("note").Hits);
        Assert.Contains("walruses", hit.Passage.Text, StringComparison.Ordinal);
        Assert.True(hit.Passage.UpdatedAtUnixMs > 1_000);
    }

    [Fact]
    public void BatchThatFailsMidwayLeavesNothingVisible()
    {
        _index.Upsert([new IngestDocument("keep", "The old lighthouse keeper kept a diary.", UpdatedAtUnixMs: 1)]);
        var filler = string.Join(" ", Enumerable.Range(0, 60).Select(i => $"Filler sentence {i} about the quarry and its stones."));
        var batch = Enumerable.Range(0, 40)
            .Select(i => new IngestDocument($"batch-{i}", $"Batch document unique{i}. {filler}"))
            .Append(new IngestDocument("keep", "The keeper moved to the new harbour.", UpdatedAtUnixMs: 2))
            .ToList();

        // One write fails, on one of the threads that analyse the batch; the others go on with theirs.
        _disk!.FailOnceAfter(64 * 1024);
        Assert.Throws<PassageStoreException>(() => _index.Upsert(batch));
        // The next write commits: nothing of the failed batch may come with it.
        _index.Upsert([new IngestDocument("after", "A later note about otters.")]);

        Assert.Equal(2, _index.GetStats().Documents);
        Assert.Empty(_index.Search("quarry stones").Hits);
        Assert.Contains("diary", Assert.Single(_index.Search("keeper").Hits).Passage.Text, StringComparison.Ordinal);
        _index.Dispose();
        _index = Open();
        Assert.Equal(2, _index.GetStats().Documents);
    }

    [Fact]
    public void FailedWriterMakesTheIndexNotReadyUntilItReopens()
    {
        _index.Upsert([new IngestDocument("kept", "Committed before the disk filled: the albatross.")]);
        Assert.True(_index.CheckHealth().Healthy);

        _disk!.FailAfter(0);
        var failed = Assert.Throws<PassageStoreException>(() => _index.Upsert([new IngestDocument("lost", "Written onto a full disk: the cormorant.")]));
        Assert.True(failed.Retryable);

        var (healthy, reason) = _index.CheckHealth();
        Assert.False(healthy);
        Assert.Contains("No space left on device", reason, StringComparison.Ordinal);
        Assert.NotNull(_index.Fault);
        // Still full: the probe write fails, so the index stays not ready and refuses writes.
        Assert.False(_index.CheckHealth().Healthy);
        Assert.Throws<PassageStoreException>(() => _index.Upsert([new IngestDocument("refused", "The petrel.")]));
        Assert.Single(_index.Search("albatross").Hits);

        _disk.Heal();
        Assert.True(_index.CheckHealth().Healthy);
        Assert.Null(_index.Fault);
        Assert.Equal(1, _index.Upsert([new IngestDocument("again", "After the disk was cleared: the shearwater.")]).Accepted);
        Assert.Single(_index.Search("shearwater").Hits);
        Assert.Empty(_index.Search("cormorant").Hits);
        Assert.Empty(_index.Search("petrel").Hits);
        Assert.Equal(2, _index.GetStats().Documents);
    }
}
