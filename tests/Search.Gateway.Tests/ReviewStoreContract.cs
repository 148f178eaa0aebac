using System.Data.Common;
using Search.Gateway.Review;
using Search.Hosting;

namespace Search.Gateway.Tests;

/// <summary>
/// One behaviour for every review store: what is in effect, undo and its refusals, ordering and the version replicas
/// poll. Two stores opened on one database stand for two gateway replicas, or for one gateway before and after a restart.
/// </summary>
public abstract class ReviewStoreContract
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ReviewedPassage Passage => new("bridge#0", "bridge", "The bridge", "https://b.example", "Built by Ada Moreau.", "en");

    /// <summary>A new store on this test's database (the same database on every call).</summary>
    protected abstract IReviewStore Open(TimeProvider time);

    [Fact]
    public async Task ActionsAndUndosAreReadBackByAnotherConnectionWithWhatIsInEffect()
    {
        string correctId, blockId, undoId;
        long versionBefore, versionAfter;
        await using (var store = OpenStore.Of(Open(TimeProvider.System)))
        {
            versionBefore = await store.Store.VersionAsync(Cancel);
            correctId = (await store.Store.RecordAsync(new ReviewSubmission(ReviewActionKind.Correct, "who built it?", Passage, 9, 19, null, null), Cancel)).Id;
            blockId = (await store.Store.RecordAsync(new ReviewSubmission(ReviewActionKind.Block, "who built it?", Passage, 0, 0, BlockScope.Document, null), Cancel)).Id;
            var (undo, problem) = await store.Store.UndoAsync(blockId, Cancel);
            Assert.NotNull(undo);
            Assert.Equal("", problem);
            undoId = undo.Id;
            versionAfter = await store.Store.VersionAsync(Cancel);
        }

        await using var reopened = OpenStore.Of(Open(TimeProvider.System));
        var inEffect = await reopened.Store.InEffectAsync(Cancel);
        var all = await reopened.Store.ListAsync("who built it?", 10, Cancel);
        var again = await reopened.Store.UndoAsync(blockId, Cancel);
        var ofUndo = await reopened.Store.UndoAsync(undoId, Cancel);
        var unknown = await reopened.Store.UndoAsync("nope", Cancel);

        var curated = Assert.Single(inEffect);
        Assert.Equal(correctId, curated.Id);
        Assert.Equal("Ada Moreau", curated.Submission.Answer);
        Assert.Equal(Passage, curated.Submission.Passage);
        Assert.Equal([undoId, blockId, correctId], all.Select(a => a.Id));
        Assert.Equal(undoId, all[1].UndoneBy);
        Assert.Equal(BlockScope.Document, all[1].Submission.Scope);
        Assert.Equal(blockId, all[0].Submission.UndoOf);
        Assert.True(versionAfter > versionBefore);
        Assert.Null(again.Undo);
        Assert.Contains("was already undone", again.Problem, StringComparison.Ordinal);
        Assert.Null(ofUndo.Undo);
        Assert.Contains("is an undo", ofUndo.Problem, StringComparison.Ordinal);
        Assert.Contains("there is no review action 'nope'", unknown.Problem, StringComparison.Ordinal);
        Assert.Empty(await reopened.Store.ListAsync("another query", 10, Cancel));
    }

    [Fact]
    public async Task AnActionStoredThroughOneStoreMovesTheVersionTheOtherReads()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var one = OpenStore.Of(Open(time));
        await using var two = OpenStore.Of(Open(time));
        var before = await two.Store.VersionAsync(Cancel);

        var stored = await one.Store.RecordAsync(new ReviewSubmission(ReviewActionKind.Confirm, "q", Passage, 0, 5, null, null), Cancel);
        var afterRecord = await two.Store.VersionAsync(Cancel);
        var refused = await two.Store.UndoAsync("no such action", Cancel);
        var afterRefusal = await one.Store.VersionAsync(Cancel);
        await two.Store.UndoAsync(stored.Id, Cancel);
        var afterUndo = await one.Store.VersionAsync(Cancel);

        Assert.True(afterRecord > before);
        Assert.Null(refused.Undo);
        Assert.Equal(afterRecord, afterRefusal);
        Assert.True(afterUndo > afterRefusal);
        var listed = Assert.Single(await two.Store.ListAsync(null, 10, Cancel), a => a.Id == stored.Id);
        Assert.Equal(time.GetUtcNow(), listed.At);
        Assert.Empty(await one.Store.InEffectAsync(Cancel));
    }

    [Fact]
    public async Task ConcurrentActionsThroughTwoStoresAreAllListedInOneOrder()
    {
        await using var one = OpenStore.Of(Open(TimeProvider.System));
        await using var two = OpenStore.Of(Open(TimeProvider.System));

        var writes = Enumerable.Range(0, 60).Select(i => Task.Run(() => (i % 2 == 0 ? one : two).Store.RecordAsync(
            new ReviewSubmission(ReviewActionKind.Block, $"query {i}", Passage, 0, 0, BlockScope.Passage, null), Cancel), Cancel));
        var stored = await Task.WhenAll(writes);

        Assert.Equal(60, stored.Select(a => a.Seq).Distinct().Count());
        foreach (var store in new[] { one, two })
        {
            var inEffect = await store.Store.InEffectAsync(Cancel);
            Assert.Equal(stored.OrderBy(a => a.Seq).Select(a => a.Id), inEffect.Select(a => a.Id));
            Assert.Equal(inEffect.Select(a => a.Id).Reverse(), (await store.Store.ListAsync(null, 100, Cancel)).Select(a => a.Id));
        }
    }

    [Fact]
    public async Task TwoStoresUndoingOneActionAtOnceTakeItBackOnce()
    {
        await using var one = OpenStore.Of(Open(TimeProvider.System));
        await using var two = OpenStore.Of(Open(TimeProvider.System));
        var targets = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            targets.Add((await one.Store.RecordAsync(new ReviewSubmission(ReviewActionKind.Confirm, $"q{i}", Passage, 0, 5, null, null), Cancel)).Id);
        }

        var undos = await Task.WhenAll(targets.SelectMany(id => new[] { one, two }.Select(store => Task.Run(() => store.Store.UndoAsync(id, Cancel), Cancel))));

        Assert.Equal(10, undos.Count(u => u.Undo is not null));
        Assert.All(undos.Where(u => u.Undo is null), u => Assert.Contains("was already undone", u.Problem, StringComparison.Ordinal));
        var all = await two.Store.ListAsync(null, 100, Cancel);
        Assert.Equal(20, all.Count);
        Assert.Empty(await two.Store.InEffectAsync(Cancel));
        Assert.All(all.Where(a => a.Submission.Kind != ReviewActionKind.Undo), a => Assert.Contains(all, u => u.Id == a.UndoneBy && u.Submission.UndoOf == a.Id));
    }

    [Fact]
    public async Task TextIsStoredExactlyAsGiven()
    {
        await using var store = OpenStore.Of(Open(TimeProvider.System));
        // Quotes, a statement separator, a placeholder's syntax and characters beyond the BMP are data, not SQL.
        var passage = new ReviewedPassage("doc'#0", "doc'", "'; DROP TABLE review_action; --", "https://x.example/?a=$1&b=:name", "𝔘𝔫𝔦\u200d <script>alert(1)</script>", "zh-Hant");
        var submission = new ReviewSubmission(ReviewActionKind.Correct, "誰設計了這座橋？ @p ?", passage, 0, 4, null, null);

        var stored = await store.Store.RecordAsync(submission, Cancel);

        var listed = Assert.Single(await store.Store.ListAsync(submission.Query, 10, Cancel));
        Assert.Equal(stored.Id, listed.Id);
        Assert.Equal(submission, listed.Submission);
    }
}

/// <summary>The SQLite review store on a real database file in a temp folder.</summary>
public sealed class SqliteReviewStoreTests : ReviewStoreContract, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("review-store-");

    protected override IReviewStore Open(TimeProvider time) => new SqliteReviewStore(Path.Combine(_folder.FullName, "gateway.db"), time);

    [Fact]
    public void AReviewKeyIgnoresCaseAndSpacing()
    {
        Assert.Equal(ReviewQueries.Key("Who  built\tit?"), ReviewQueries.Key(" who built it? "));
        // NFKC: the full-width question mark is the ASCII one.
        Assert.Equal(ReviewQueries.Key("谁建造了它?"), ReviewQueries.Key("谁建造了它？"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}

/// <summary>The PostgreSQL review store (what gateway replicas share) on a real server, one fresh database per test.</summary>
public sealed class PostgresReviewStoreTests(PostgresFixture server) : ReviewStoreContract, IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private string _database = "";

    public async ValueTask InitializeAsync() => _database = await server.CreateDatabaseAsync(Cancel);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected override IReviewStore Open(TimeProvider time) => new PostgresReviewStore(_database, time);

    [Fact]
    public async Task AnAcknowledgedUndoSurvivesTheServerBeingKilled()
    {
        // A server of this test's own, since it is killed.
        await using var own = new PostgresProcess(LoopbackPorts.Free());
        await own.StartAsync(Cancel);
        string undoId;
        await using (var store = new PostgresReviewStore(own.ConnectionString(), TimeProvider.System))
        {
            var action = await store.RecordAsync(new ReviewSubmission(ReviewActionKind.Confirm, "q", new ReviewedPassage("p#0", "p", "T", "https://t.example", "Text.", "en"), 0, 4, null, null), Cancel);
            undoId = (await store.UndoAsync(action.Id, Cancel)).Undo!.Id;
        }

        own.Kill();
        Assert.False(own.IsRunning);
        await own.StartAsync(Cancel);

        await using var reopened = new PostgresReviewStore(own.ConnectionString(), TimeProvider.System);
        var all = await reopened.ListAsync(null, 10, Cancel);
        Assert.Equal(undoId, all[0].Id);
        Assert.Equal(undoId, all[1].UndoneBy);
        Assert.Empty(await reopened.InEffectAsync(Cancel));
    }

    [Fact]
    public async Task AServerThatDoesNotAnswerIsADatabaseErrorNotAHang()
    {
        // Nothing listens there: the gateway turns this error into 503 / UNAVAILABLE (SharedReviewTests).
        await using var store = new PostgresReviewStore($"Host=127.0.0.1;Port={LoopbackPorts.Free()};Username=search;Timeout=5", TimeProvider.System);

        await Assert.ThrowsAnyAsync<DbException>(() => store.VersionAsync(Cancel));
        await Assert.ThrowsAnyAsync<DbException>(() => store.UndoAsync("a", Cancel));
    }
}
