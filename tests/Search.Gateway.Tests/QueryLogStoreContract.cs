using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Search.Gateway.Pipeline;
using Search.Gateway.QueryLog;
using Search.Hosting;
using Search.Text;

namespace Search.Gateway.Tests;

/// <summary>
/// One behaviour for every query log store: the retention cap, the summaries the review queues read, every field read
/// back as written. Two stores opened on one database stand for two gateway replicas writing one log.
/// </summary>
public abstract class QueryLogStoreContract
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    /// <summary>A new store on this test's database (the same database on every call).</summary>
    protected abstract IQueryLogStore Open();

    [Fact]
    public async Task TheStoreKeepsTheNewestEntriesUpToItsCapAndSummarisesThem()
    {
        await using var store = OpenStore.Of(Open());

        await store.Store.AppendAsync([Entry("old", false, null, 0)], maxEntries: 5, Cancel);
        await store.Store.AppendAsync(
            [Entry("a?", false, 0.3, 1), Entry("b?", false, null, 2), Entry("a?", false, 0.2, 3), Entry("c?", true, 0.4, 4), Entry("d?", true, 0.9, 5)],
            maxEntries: 5, Cancel);

        var all = await store.Store.ListAsync(100, Cancel);
        var abstained = await store.Store.MostAbstainedAsync(10, Cancel);
        var low = await store.Store.LowConfidenceAsync(0.6, 10, Cancel);

        Assert.Equal(["d?", "c?", "a?", "b?", "a?"], all.Select(e => e.Query));
        Assert.Equal([("a?", 2L), ("b?", 1L)], abstained.Select(s => (s.Query, s.Count)));
        Assert.Equal(At.AddMinutes(3), abstained[0].LastAt);
        Assert.Equal(0.3, abstained[0].Confidence);
        Assert.Equal([("c?", 0.4)], low.Select(s => (s.Query, s.Confidence ?? -1)));
        Assert.Equal("p#0", low[0].PassageId);
    }

    [Fact]
    public async Task EveryFieldIsReadBackAsWritten()
    {
        await using var store = OpenStore.Of(Open());
        // Quotes, a statement separator and characters beyond the BMP are data, not SQL.
        var entries = new[]
        {
            new QueryLogEntry(At.AddMilliseconds(1_234), "'; drop table query_log; -- 𝔘", "zh-Hant", true, 0.125, "doc'#3", true, ["rerank", "answer"], 41.75, true),
            new QueryLogEntry(At, "plain", "en", false, null, "", false, [], 0, false),
        };

        await store.Store.AppendAsync(entries, maxEntries: 100, Cancel);

        var listed = await store.Store.ListAsync(10, Cancel);
        Assert.Equal(entries.Reverse().Select(Fields), listed.Select(Fields));
        Assert.Empty(await store.Store.LowConfidenceAsync(0.9, 10, Cancel));
    }

    [Fact]
    public async Task TwoStoresOnOneDatabaseWriteOneLog()
    {
        await using var one = OpenStore.Of(Open());
        await using var two = OpenStore.Of(Open());

        var writes = Enumerable.Range(0, 40).Select(i => Task.Run(() => (i % 2 == 0 ? one : two).Store.AppendAsync(
            [Entry("shared?", false, null, i), Entry($"only {i}?", true, 0.1, i)], maxEntries: 1_000, Cancel), Cancel));
        await Task.WhenAll(writes);

        foreach (var store in new[] { one, two })
        {
            Assert.Equal(80, (await store.Store.ListAsync(1_000, Cancel)).Count);
            var shared = (await store.Store.MostAbstainedAsync(10, Cancel)).Single();
            Assert.Equal(("shared?", 40L), (shared.Query, shared.Count));
            Assert.Equal(At.AddMinutes(39), shared.LastAt);
            Assert.Equal(40, (await store.Store.LowConfidenceAsync(0.5, 100, Cancel)).Count);
        }
    }

    private static QueryLogEntry Entry(string query, bool shown, double? confidence, int minute) =>
        new(At.AddMinutes(minute), query, "en", shown, confidence, shown ? "p#0" : "", false, [], 12.5, false);

    /// <summary>An entry's fields as one comparable value (its Degraded list compares by content).</summary>
    private static string Fields(QueryLogEntry e) => e with { Degraded = [] } + " degraded=" + string.Join(',', e.Degraded);
}

/// <summary>The SQLite query log on a real database file in a temp folder.</summary>
public sealed class SqliteQueryLogStoreTests : QueryLogStoreContract, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("query-log-store-");

    protected override IQueryLogStore Open() => new SqliteQueryLogStore(Path.Combine(_folder.FullName, "gateway.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}

/// <summary>The PostgreSQL query log (one log for every gateway replica) on a real server, one fresh database per test.</summary>
public sealed class PostgresQueryLogStoreTests(PostgresFixture server) : QueryLogStoreContract, IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private string _database = "";

    public async ValueTask InitializeAsync() => _database = await server.CreateDatabaseAsync(Cancel);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected override IQueryLogStore Open() => new PostgresQueryLogStore(_database);

    [Fact]
    public async Task AWriterWhoseServerDoesNotAnswerDropsTheBatchAndCountsIt()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var dropped = new CounterTotal(services.GetRequiredService<IMeterFactory>(), "search.querylog.dropped");
        // Nothing listens there.
        await using var store = new PostgresQueryLogStore($"Host=127.0.0.1;Port={LoopbackPorts.Free()};Username=search;Timeout=5");
        var writer = new QueryLogWriter(
            store, Options.Create(new QueryLogOptions()), new GatewayMetrics(services.GetRequiredService<IMeterFactory>()), TimeProvider.System,
            NullLogger<QueryLogWriter>.Instance);
        var response = new SearchResponse(
            "q", new QueryRoute("q", TextLanguage.English, QueryIntent.Question, ExpectedAnswer.None, true, "test"), null, [], [], [], null, 1, false);

        for (var i = 0; i < 3; i++)
        {
            writer.Record(response);
        }

        await writer.StartAsync(Cancel);
        // Stopping writes what is queued, which fails here.
        await writer.StopAsync(Cancel);

        Assert.Equal(3, dropped.Total);
    }
}
