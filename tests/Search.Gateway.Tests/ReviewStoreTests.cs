using Search.Gateway.Review;

namespace Search.Gateway.Tests;

/// <summary>Review actions in a real SQLite file: what is in effect, undo and its refusals, and all of it read back by a new connection.</summary>
public sealed class ReviewStoreTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("review-store-");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_folder.FullName, "gateway.db");

    [Fact]
    public async Task ActionsAndUndosAreReadBackByAnotherConnectionWithWhatIsInEffect()
    {
        var passage = new ReviewedPassage("bridge#0", "bridge", "The bridge", "https://b.example", "Built by Ada Moreau.", "en");
        string correctId, blockId, undoId;
        long versionBefore, versionAfter;
        using (var store = new SqliteReviewStore(DatabasePath, TimeProvider.System))
        {
            versionBefore = await store.VersionAsync(Cancel);
            correctId = (await store.RecordAsync(new ReviewSubmission(ReviewActionKind.Correct, "who built it?", passage, 9, 19, null, null), Cancel)).Id;
            blockId = (await store.RecordAsync(new ReviewSubmission(ReviewActionKind.Block, "who built it?", passage, 0, 0, BlockScope.Document, null), Cancel)).Id;
            var (undo, problem) = await store.UndoAsync(blockId, Cancel);
            Assert.NotNull(undo);
            Assert.Equal("", problem);
            undoId = undo.Id;
            versionAfter = await store.VersionAsync(Cancel);
        }

        using var reopened = new SqliteReviewStore(DatabasePath, TimeProvider.System);
        var inEffect = await reopened.InEffectAsync(Cancel);
        var all = await reopened.ListAsync("who built it?", 10, Cancel);
        var again = await reopened.UndoAsync(blockId, Cancel);
        var ofUndo = await reopened.UndoAsync(undoId, Cancel);
        var unknown = await reopened.UndoAsync("nope", Cancel);

        var curated = Assert.Single(inEffect);
        Assert.Equal(correctId, curated.Id);
        Assert.Equal("Ada Moreau", curated.Submission.Answer);
        Assert.Equal(passage, curated.Submission.Passage);
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
        Assert.Empty(await reopened.ListAsync("another query", 10, Cancel));
    }

    [Fact]
    public async Task AReviewKeyIgnoresCaseAndSpacing()
    {
        Assert.Equal(ReviewQueries.Key("Who  built\tit?"), ReviewQueries.Key(" who built it? "));
        // NFKC: the full-width question mark is the ASCII one.
        Assert.Equal(ReviewQueries.Key("谁建造了它?"), ReviewQueries.Key("谁建造了它？"));
        await Task.CompletedTask;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
