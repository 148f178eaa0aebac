using System.Data.Common;
using Microsoft.Data.Sqlite;
using Search.Gateway.Feedback;
using Search.Hosting;

namespace Search.Gateway.Tests;

/// <summary>
/// One behaviour for every feedback store: each engine's test class derives from this and says how to open a store
/// on its (real, throwaway) database. Two stores opened on one database stand for two gateway replicas, or for one
/// gateway before and after a restart.
/// </summary>
public abstract class FeedbackStoreContract
{
    /// <summary>A new store on this test's database (the same database on every call).</summary>
    protected abstract IFeedbackStore Open(TimeProvider time);

    [Fact]
    public async Task RecordedFeedbackIsListedNewestFirstWithEveryField()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var store = OpenStore.Of(Open(time));
        var ct = TestContext.Current.CancellationToken;

        var first = await store.Store.RecordAsync(new FeedbackSubmission(FeedbackKind.Helpful, "when was it built?", "1873", "doc#0", "", null), ct);
        time.Advance(TimeSpan.FromSeconds(5));
        var second = await store.Store.RecordAsync(
            new FeedbackSubmission(FeedbackKind.WrongAnswer, "誰設計了這座橋？", "鎮上", "doc#1", "answer-2026.11", "李工程師\n(see the plaque)"), ct);

        var entries = await store.Store.ListAsync(10, ct);

        Assert.Equal([second, first], entries.Select(e => e.Id));
        Assert.NotEqual(first, second);
        Assert.Equal(new FeedbackSubmission(FeedbackKind.WrongAnswer, "誰設計了這座橋？", "鎮上", "doc#1", "answer-2026.11", "李工程師\n(see the plaque)"), entries[0].Submission);
        Assert.Equal(new FeedbackSubmission(FeedbackKind.Helpful, "when was it built?", "1873", "doc#0", "", null), entries[1].Submission);
        Assert.Equal(time.GetUtcNow(), entries[0].CreatedAt);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(5), entries[1].CreatedAt);
        Assert.Single(await store.Store.ListAsync(1, ct));
    }

    [Fact]
    public async Task FeedbackSurvivesReopeningTheDatabase()
    {
        var ct = TestContext.Current.CancellationToken;
        string id;
        await using (var store = OpenStore.Of(Open(TimeProvider.System)))
        {
            id = await store.Store.RecordAsync(new FeedbackSubmission(FeedbackKind.NotHelpful, "q", "a", "d#0", "", null), ct);
        }

        await using var reopened = OpenStore.Of(Open(TimeProvider.System));
        var entry = Assert.Single(await reopened.Store.ListAsync(10, ct));

        Assert.Equal(id, entry.Id);
        Assert.Equal(FeedbackKind.NotHelpful, entry.Submission.Kind);
    }

    [Fact]
    public async Task ConcurrentWritesThroughTwoStoresOnOneDatabaseAreAllListedByBoth()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var one = OpenStore.Of(Open(TimeProvider.System));
        await using var two = OpenStore.Of(Open(TimeProvider.System));

        var writes = Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            (i % 2 == 0 ? one : two).Store.RecordAsync(new FeedbackSubmission(FeedbackKind.Helpful, $"query {i}", "a", $"d#{i}", "", null), ct), ct));
        var ids = await Task.WhenAll(writes);

        Assert.Equal(200, ids.Distinct().Count());
        foreach (var store in new[] { one, two })
        {
            var listed = await store.Store.ListAsync(1_000, ct);
            Assert.Equal(ids.Order(), listed.Select(e => e.Id).Order());
            Assert.Equal(Enumerable.Range(0, 200).Select(i => $"query {i}").Order(), listed.Select(e => e.Submission.Query).Order());
        }
    }

    [Fact]
    public async Task TextIsStoredExactlyAsGiven()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = OpenStore.Of(Open(TimeProvider.System));
        // Quotes, a statement separator, a placeholder's syntax and characters beyond the BMP are data, not SQL.
        var hostile = new FeedbackSubmission(FeedbackKind.WrongAnswer, "'; DROP TABLE feedback; --", "$1 ? :name @p", "doc'#0", "𝔘𝔫𝔦\u200d", "<script>alert(1)</script>");

        var id = await store.Store.RecordAsync(hostile, ct);

        var entry = Assert.Single(await store.Store.ListAsync(10, ct));
        Assert.Equal(id, entry.Id);
        Assert.Equal(hostile, entry.Submission);
    }
}

/// <summary>The SQLite feedback store on a real database file in a temp folder.</summary>
public sealed class SqliteFeedbackStoreTests : FeedbackStoreContract, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("feedback-store-");

    private string DatabasePath => Path.Combine(_folder.FullName, "nested", "feedback.db");

    protected override IFeedbackStore Open(TimeProvider time) => new SqliteFeedbackStore(DatabasePath, time);

    [Fact]
    public void TheDatabaseIsAWriteAheadLog()
    {
        using var store = new SqliteFeedbackStore(DatabasePath, TimeProvider.System);
        using var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        other.Open();
        using var command = other.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}

/// <summary>
/// The PostgreSQL feedback store (what gateway replicas share) on a real PostgreSQL server the fixture starts, one fresh
/// database per test.
/// </summary>
public sealed class PostgresFeedbackStoreTests(PostgresFixture server) : FeedbackStoreContract, IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private string _database = "";

    public async ValueTask InitializeAsync() => _database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected override IFeedbackStore Open(TimeProvider time) => new PostgresFeedbackStore(_database, time);

    [Fact]
    public async Task AnAcknowledgedEntrySurvivesTheServerBeingKilled()
    {
        var ct = TestContext.Current.CancellationToken;
        // A server of this test's own, since it is killed.
        await using var own = new PostgresProcess(LoopbackPorts.Free());
        await own.StartAsync(ct);
        var id = "";
        await using (var store = new PostgresFeedbackStore(own.ConnectionString(), TimeProvider.System))
        {
            id = await store.RecordAsync(new FeedbackSubmission(FeedbackKind.WrongAnswer, "q", "a", "d#0", "m", "c"), ct);
        }

        own.Kill();
        Assert.False(own.IsRunning);
        await own.StartAsync(ct);

        await using var reopened = new PostgresFeedbackStore(own.ConnectionString(), TimeProvider.System);
        Assert.Equal(id, Assert.Single(await reopened.ListAsync(10, ct)).Id);
    }

    [Fact]
    public async Task AServerThatDoesNotAnswerIsADatabaseErrorNotAHang()
    {
        var ct = TestContext.Current.CancellationToken;
        // Nothing listens there: the gateway turns this error into 503 / UNAVAILABLE (FeedbackApiTests).
        await using var store = new PostgresFeedbackStore($"Host=127.0.0.1;Port={LoopbackPorts.Free()};Username=search;Timeout=5", TimeProvider.System);

        await Assert.ThrowsAnyAsync<DbException>(() => store.RecordAsync(new FeedbackSubmission(FeedbackKind.Helpful, "q", "a", "d#0", "", null), ct));
    }

    [Fact]
    public void AConnectionStringThatCannotBeParsedNamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PostgresFeedbackStore("Host=127.0.0.1;NoSuchKeyword=1", TimeProvider.System));

        Assert.Contains("Gateway:Store:Postgres", error.Message, StringComparison.Ordinal);
    }
}
