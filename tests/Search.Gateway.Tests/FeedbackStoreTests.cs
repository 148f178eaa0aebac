using Microsoft.Data.Sqlite;
using Search.Gateway.Feedback;

namespace Search.Gateway.Tests;

/// <summary>The SQLite feedback store on a real database file in a temp folder.</summary>
public sealed class FeedbackStoreTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("feedback-store-");

    private string DatabasePath => Path.Combine(_folder.FullName, "nested", "feedback.db");

    [Fact]
    public async Task RecordedFeedbackIsListedNewestFirstWithEveryField()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        using var store = new SqliteFeedbackStore(DatabasePath, time);
        var ct = TestContext.Current.CancellationToken;

        var first = await store.RecordAsync(new FeedbackSubmission(FeedbackKind.Helpful, "when was it built?", "1873", "doc#0", "", null), ct);
        time.Advance(TimeSpan.FromSeconds(5));
        var second = await store.RecordAsync(
            new FeedbackSubmission(FeedbackKind.WrongAnswer, "誰設計了這座橋？", "鎮上", "doc#1", "answer-2026.11", "李工程師\n(see the plaque)"), ct);

        var entries = await store.ListAsync(10, ct);

        Assert.Equal([second, first], entries.Select(e => e.Id));
        Assert.NotEqual(first, second);
        Assert.Equal(new FeedbackSubmission(FeedbackKind.WrongAnswer, "誰設計了這座橋？", "鎮上", "doc#1", "answer-2026.11", "李工程師\n(see the plaque)"), entries[0].Submission);
        Assert.Equal(new FeedbackSubmission(FeedbackKind.Helpful, "when was it built?", "1873", "doc#0", "", null), entries[1].Submission);
        Assert.Equal(time.GetUtcNow(), entries[0].CreatedAt);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(5), entries[1].CreatedAt);
        Assert.Single(await store.ListAsync(1, ct));
    }

    [Fact]
    public async Task FeedbackSurvivesReopeningTheDatabaseFile()
    {
        var ct = TestContext.Current.CancellationToken;
        string id;
        using (var store = new SqliteFeedbackStore(DatabasePath, TimeProvider.System))
        {
            id = await store.RecordAsync(new FeedbackSubmission(FeedbackKind.NotHelpful, "q", "a", "d#0", "", null), ct);
        }

        using var reopened = new SqliteFeedbackStore(DatabasePath, TimeProvider.System);
        var entry = Assert.Single(await reopened.ListAsync(10, ct));

        Assert.Equal(id, entry.Id);
        Assert.Equal(FeedbackKind.NotHelpful, entry.Submission.Kind);
    }

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

    [Fact]
    public async Task ConcurrentWritesFromOneStoreAndTwoOnTheSameFileAreAllStored()
    {
        var ct = TestContext.Current.CancellationToken;
        using var one = new SqliteFeedbackStore(DatabasePath, TimeProvider.System);
        using var two = new SqliteFeedbackStore(DatabasePath, TimeProvider.System);

        // Two stores on one file stand for two gateway processes on one machine: SQLite's file lock orders them.
        var writes = Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            (i % 2 == 0 ? one : two).RecordAsync(new FeedbackSubmission(FeedbackKind.Helpful, $"query {i}", "a", $"d#{i}", "", null), ct), ct));
        var ids = await Task.WhenAll(writes);

        var listed = await one.ListAsync(1_000, ct);

        Assert.Equal(200, ids.Distinct().Count());
        Assert.Equal(ids.Order(), listed.Select(e => e.Id).Order());
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"query {i}").Order(), listed.Select(e => e.Submission.Query).Order());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
