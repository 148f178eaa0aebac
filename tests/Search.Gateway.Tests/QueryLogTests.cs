using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Search.Gateway.Pipeline;
using Search.Gateway.QueryLog;
using Search.Text;

namespace Search.Gateway.Tests;

/// <summary>
/// The query log's writer on a real SQLite file: sampling, and the bounded queue that drops (and counts) rather than
/// waits. The stores themselves: <see cref="QueryLogStoreContract"/>.
/// </summary>
public sealed class QueryLogTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("query-log-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0.0, 0, 0)]
    [InlineData(1.0, 400, 400)]
    [InlineData(0.5, 120, 280)]
    public async Task TheSampleRateDecidesHowManySearchesAreRecorded(double rate, int atLeast, int atMost)
    {
        using var store = Store();
        var writer = Writer(store, new QueryLogOptions { SampleRate = rate });
        await writer.StartAsync(Cancel);

        for (var i = 0; i < 400; i++)
        {
            writer.Record(Response($"question {i}?", answered: i % 2 == 0));
        }

        // Stopping writes what is queued.
        await writer.StopAsync(Cancel);
        var count = (await store.ListAsync(1_000, Cancel)).Count;

        Assert.InRange(count, atLeast, atMost);
    }

    [Fact]
    public async Task AFullQueueDropsTheSearchAndCountsItWithoutWaiting()
    {
        using var store = Store();
        var metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>());
        using var dropped = new CounterTotal(_services.GetRequiredService<IMeterFactory>(), "search.querylog.dropped");
        // Not started yet: nothing empties the queue of two.
        var writer = Writer(store, new QueryLogOptions { QueueCapacity = 2 }, metrics);

        for (var i = 0; i < 5; i++)
        {
            writer.Record(Response($"q{i}", answered: false));
        }

        await writer.StartAsync(Cancel);
        await writer.StopAsync(Cancel);

        Assert.Equal(3, dropped.Total);
        Assert.Equal(["q1", "q0"], (await store.ListAsync(10, Cancel)).Select(e => e.Query));
    }

    public void Dispose()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private SqliteQueryLogStore Store() => new(Path.Combine(_folder.FullName, Guid.NewGuid().ToString("N") + ".db"));

    private QueryLogWriter Writer(IQueryLogStore store, QueryLogOptions options, GatewayMetrics? metrics = null) => new(
        store, Options.Create(options), metrics ?? new GatewayMetrics(_services.GetRequiredService<IMeterFactory>()), TimeProvider.System,
        NullLogger<QueryLogWriter>.Instance);

    [Fact]
    public void AStreamedSearchNamesWhatItsAnswerLeftOut()
    {
        var results = Response("who wrote it?", answered: false);
        var answered = StreamedAnswer.None("") with { Answer = results.Answer };

        Assert.Empty(QueryLogEntry.Of(results, answered, DateTimeOffset.UnixEpoch).Degraded);
        Assert.Equal(["reader"], QueryLogEntry.Of(results, answered with { Degraded = true, ReaderSkipped = true }, DateTimeOffset.UnixEpoch).Degraded);
        Assert.Equal(["answer"], QueryLogEntry.Of(results, answered with { Degraded = true }, DateTimeOffset.UnixEpoch).Degraded);
    }

    private static SearchResponse Response(string query, bool answered)
    {
        var passage = new Passage("p#0", "p", 0, "T", "https://t.example", "Text.", TextLanguage.English, 0, 5);
        var box = new AnswerBox("Text.", passage, 0, 5, 0.7, AnswerKind.Sentence, null, "");
        return new SearchResponse(
            query, new QueryRoute(query, TextLanguage.English, QueryIntent.Question, ExpectedAnswer.None, true, "test"),
            answered ? box : null, [], [], [], null, 3.5, false);
    }
}
