using Npgsql;
using Search.Gateway.Storage;

namespace Search.Gateway.Review;

/// <summary>
/// Review actions in PostgreSQL (Gateway:Store:Postgres), shared by every gateway replica. A commit returns once
/// PostgreSQL has flushed it (synchronous_commit on, the server's default), so an acknowledged action survives the
/// gateway and the server being killed. Every write first bumps the one row of review_revision, in its own
/// transaction: writers from all replicas take turns on that row, so sequence numbers follow commit order and the
/// revision (what <see cref="VersionAsync"/> reads, one row, for the replicas' refresh every Gateway:Review:RefreshMs)
/// moves with every commit. An undo is one transaction: the undo row and the mark on the action it takes back.
/// </summary>
public sealed class PostgresReviewStore : IReviewStore, IAsyncDisposable, IDisposable
{
    private const string Columns = "id, seq, at_ms, kind, query, passage_id, document_id, title, url, passage_text, language, answer_start, answer_end, scope, undo_of, undone_by";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS review_action (
            seq BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            at_ms BIGINT NOT NULL,
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
        CREATE TABLE IF NOT EXISTS review_revision (
            only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
            revision BIGINT NOT NULL
        );
        INSERT INTO review_revision (only_row, revision) VALUES (TRUE, 0) ON CONFLICT DO NOTHING;
        """;

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;

    /// <param name="setting">The setting <paramref name="connectionString"/> came from, as an error names it.</param>
    public PostgresReviewStore(string connectionString, TimeProvider time, string setting = StoreOptions.PostgresSetting)
    {
        _time = time;
        _database = new PostgresDatabase(connectionString, setting, Schema, "review_revision");
    }

    public async Task<ReviewAction> RecordAsync(ReviewSubmission submission, CancellationToken ct = default)
    {
        if (submission.Kind == ReviewActionKind.Undo)
        {
            throw new ArgumentException("an undo is stored by UndoAsync", nameof(submission));
        }

        // Not cancelled once started: a reviewer who goes away cannot leave it unknown whether the action was stored.
        await using var write = await BeginWriteAsync();
        var action = await InsertAsync(write.Connection, write.Transaction, submission);
        await write.Transaction.CommitAsync(CancellationToken.None);
        return action;
    }

    public async Task<(ReviewAction? Undo, string Problem)> UndoAsync(string actionId, CancellationToken ct = default)
    {
        await using var write = await BeginWriteAsync();
        var found = await SelectAsync(write.Connection, write.Transaction, "WHERE id = $1 FOR UPDATE", [actionId], CancellationToken.None);
        var target = found.Count == 0 ? null : found[0];
        if (ReviewAction.UndoProblem(actionId, target) is { Length: > 0 } problem)
        {
            return (null, problem);
        }

        var undo = await InsertAsync(write.Connection, write.Transaction, target!.Submission with { Kind = ReviewActionKind.Undo, UndoOf = actionId });
        await using var mark = new NpgsqlCommand("UPDATE review_action SET undone_by = $1 WHERE id = $2", write.Connection, write.Transaction);
        mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = undo.Id });
        mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actionId });
        await mark.ExecuteNonQueryAsync(CancellationToken.None);
        await write.Transaction.CommitAsync(CancellationToken.None);
        return (undo, "");
    }

    public async Task<IReadOnlyList<ReviewAction>> InEffectAsync(CancellationToken ct = default) =>
        await ReadAsync("WHERE kind <> 'undo' AND undone_by IS NULL ORDER BY seq ASC", [], ct);

    public async Task<IReadOnlyList<ReviewAction>> ListAsync(string? query, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return query is null
            ? await ReadAsync("ORDER BY seq DESC LIMIT $1", [limit], ct)
            : await ReadAsync("WHERE query = $1 ORDER BY seq DESC LIMIT $2", [query, limit], ct);
    }

    public async Task<long> VersionAsync(CancellationToken ct = default)
    {
        await _database.EnsureSchemaAsync();
        await using var select = _database.Source.CreateCommand("SELECT revision FROM review_revision");
        return (long)(await select.ExecuteScalarAsync(ct))!;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    public void Dispose() => _database.Dispose();

    /// <summary>A transaction that holds the revision row (bumped): the writes of every replica take turns from here.</summary>
    private async Task<Write> BeginWriteAsync()
    {
        await _database.EnsureSchemaAsync();
        var connection = await _database.Source.OpenConnectionAsync(CancellationToken.None);
        try
        {
            var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            await using var bump = new NpgsqlCommand("UPDATE review_revision SET revision = revision + 1", connection, transaction);
            await bump.ExecuteNonQueryAsync(CancellationToken.None);
            return new Write(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<ReviewAction> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ReviewSubmission s)
    {
        var id = Guid.NewGuid().ToString("N");
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var p = s.Passage ?? new ReviewedPassage("", "", "", "", "", "");
        await using var insert = new NpgsqlCommand("""
            INSERT INTO review_action (id, at_ms, kind, query, passage_id, document_id, title, url, passage_text, language, answer_start, answer_end, scope, undo_of)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            RETURNING seq
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = at });
        foreach (var text in new[] { s.Kind.Name(), s.Query, p.PassageId, p.DocumentId, p.Title, p.Url, p.Text, p.Language })
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = text });
        }

        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = s.AnswerStart });
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = s.AnswerEnd });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)s.Scope?.Name() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)s.UndoOf ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var seq = (long)(await insert.ExecuteScalarAsync(CancellationToken.None))!;
        return new ReviewAction(id, seq, DateTimeOffset.FromUnixTimeMilliseconds(at), s, null);
    }

    private async Task<IReadOnlyList<ReviewAction>> ReadAsync(string where, object[] parameters, CancellationToken ct)
    {
        await _database.EnsureSchemaAsync();
        await using var connection = await _database.Source.OpenConnectionAsync(ct);
        return await SelectAsync(connection, null, where, parameters, ct);
    }

    private static async Task<IReadOnlyList<ReviewAction>> SelectAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, object[] parameters, CancellationToken ct)
    {
        await using var select = new NpgsqlCommand($"SELECT {Columns} FROM review_action {where}", connection, transaction);
        foreach (var value in parameters)
        {
            select.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var r = await select.ExecuteReaderAsync(ct);
        return await ReviewRows.ReadAllAsync(r, ct);
    }

    /// <summary>An open write; disposing it without a commit rolls it back (and the revision with it).</summary>
    private sealed record Write(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
