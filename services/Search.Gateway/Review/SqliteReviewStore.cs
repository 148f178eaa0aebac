using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Search.Gateway.Feedback;
using Search.Gateway.Storage;

namespace Search.Gateway.Review;

/// <summary>
/// Review actions in the gateway's SQLite database (the feedback file), with synchronous=FULL like feedback: an
/// acknowledged action is fsynced. An undo is one transaction: the check, the undo row and the mark on the action it
/// takes back.
/// </summary>
public sealed class SqliteReviewStore : IReviewStore, IDisposable
{
    private const string Columns = "id, seq, at_ms, kind, query, passage_id, document_id, title, url, passage_text, language, answer_start, answer_end, scope, undo_of, undone_by";

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;

    public SqliteReviewStore(IOptions<FeedbackOptions> options, TimeProvider time)
        : this(options.Value.ResolveDatabasePath(), time)
    {
    }

    public SqliteReviewStore(string path, TimeProvider time)
    {
        _time = time;
        _connection = SqliteDatabase.Open(path, "review", synchronousFull: true, """
            CREATE TABLE IF NOT EXISTS review_action (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                at_ms INTEGER NOT NULL,
                kind TEXT NOT NULL,
                query TEXT NOT NULL,
                passage_id TEXT NOT NULL,
                document_id TEXT NOT NULL,
                title TEXT NOT NULL,
                url TEXT NOT NULL,
                passage_text TEXT NOT NULL,
                language TEXT NOT NULL,
                answer_start INTEGER NOT NULL,
                answer_end INTEGER NOT NULL,
                scope TEXT NULL,
                undo_of TEXT NULL,
                undone_by TEXT NULL
            );
            CREATE INDEX IF NOT EXISTS review_action_query ON review_action (query);
            """);
    }

    public async Task<ReviewAction> RecordAsync(ReviewSubmission submission, CancellationToken ct = default)
    {
        if (submission.Kind == ReviewActionKind.Undo)
        {
            throw new ArgumentException("an undo is stored by UndoAsync", nameof(submission));
        }

        await _gate.WaitAsync(ct);
        try
        {
            return await InsertAsync(submission, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<(ReviewAction? Undo, string Problem)> UndoAsync(string actionId, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // BEGIN IMMEDIATE before the read: another connection on the file (another gateway process) cannot
            // undo the same action between this check and this write.
            using var transaction = _connection.BeginTransaction(deferred: false);
            var found = await SelectAsync("WHERE id = $id", [("$id", actionId)], transaction);
            var target = found.Count == 0 ? null : found[0];
            if (ReviewAction.UndoProblem(actionId, target) is { Length: > 0 } problem)
            {
                return (null, problem);
            }

            var undo = await InsertAsync(
                target!.Submission with { Kind = ReviewActionKind.Undo, UndoOf = actionId }, transaction);
            using var mark = _connection.CreateCommand();
            mark.Transaction = transaction;
            mark.CommandText = "UPDATE review_action SET undone_by = $undo WHERE id = $id";
            mark.Parameters.AddWithValue("$undo", undo.Id);
            mark.Parameters.AddWithValue("$id", actionId);
            await mark.ExecuteNonQueryAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            return (undo, "");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<ReviewAction>> InEffectAsync(CancellationToken ct = default) =>
        await LockedAsync(() => SelectAsync("WHERE kind <> 'undo' AND undone_by IS NULL ORDER BY seq ASC", [], null), ct);

    public async Task<IReadOnlyList<ReviewAction>> ListAsync(string? query, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return query is null
            ? await LockedAsync(() => SelectAsync("ORDER BY seq DESC LIMIT $limit", [("$limit", limit)], null), ct)
            : await LockedAsync(() => SelectAsync("WHERE query = $query ORDER BY seq DESC LIMIT $limit", [("$query", query), ("$limit", limit)], null), ct);
    }

    public async Task<long> VersionAsync(CancellationToken ct = default) => await LockedAsync(async () =>
    {
        using var select = _connection.CreateCommand();
        select.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM review_action";
        return (long)(await select.ExecuteScalarAsync(CancellationToken.None))!;
    }, ct);

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private async Task<T> LockedAsync<T>(Func<Task<T>> read, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await read();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ReviewAction> InsertAsync(ReviewSubmission s, SqliteTransaction? transaction)
    {
        var id = Guid.NewGuid().ToString("N");
        var at = _time.GetUtcNow();
        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO review_action (id, at_ms, kind, query, passage_id, document_id, title, url, passage_text, language, answer_start, answer_end, scope, undo_of)
            VALUES ($id, $at, $kind, $query, $passage, $document, $title, $url, $text, $language, $start, $end, $scope, $undo)
            RETURNING seq
            """;
        var p = s.Passage ?? new ReviewedPassage("", "", "", "", "", "");
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$kind", s.Kind.Name());
        insert.Parameters.AddWithValue("$query", s.Query);
        insert.Parameters.AddWithValue("$passage", p.PassageId);
        insert.Parameters.AddWithValue("$document", p.DocumentId);
        insert.Parameters.AddWithValue("$title", p.Title);
        insert.Parameters.AddWithValue("$url", p.Url);
        insert.Parameters.AddWithValue("$text", p.Text);
        insert.Parameters.AddWithValue("$language", p.Language);
        insert.Parameters.AddWithValue("$start", s.AnswerStart);
        insert.Parameters.AddWithValue("$end", s.AnswerEnd);
        insert.Parameters.AddWithValue("$scope", (object?)s.Scope?.Name() ?? DBNull.Value);
        insert.Parameters.AddWithValue("$undo", (object?)s.UndoOf ?? DBNull.Value);
        // Autocommit outside a transaction: committed (and fsynced) before this returns.
        var seq = (long)(await insert.ExecuteScalarAsync(CancellationToken.None))!;
        return new ReviewAction(id, seq, DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()), s, null);
    }

    private async Task<IReadOnlyList<ReviewAction>> SelectAsync(string where, (string Name, object Value)[] parameters, SqliteTransaction? transaction)
    {
        using var select = _connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = $"SELECT {Columns} FROM review_action {where}";
        foreach (var (name, value) in parameters)
        {
            select.Parameters.AddWithValue(name, value);
        }

        using var r = await select.ExecuteReaderAsync(CancellationToken.None);
        return await ReviewRows.ReadAllAsync(r, CancellationToken.None);
    }
}
