using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Search.Gateway.Storage;

namespace Search.Gateway.Feedback;

/// <summary>
/// Feedback in an embedded SQLite database (Gateway:Feedback:Database). The journal is a write-ahead log with
/// synchronous=FULL, so every commit is fsynced before <see cref="RecordAsync"/> returns: an acknowledged entry survives
/// kill -9 and a power cut (NORMAL would only survive the former). Feedback is a few writes a minute, so the fsync per
/// write costs nothing that matters. One connection serves every call in turn; SQLite writes one at a time anyway, and
/// busy_timeout lets a second process on the same file wait for the lock instead of failing.
/// </summary>
public sealed class SqliteFeedbackStore : IFeedbackStore, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;

    public SqliteFeedbackStore(IOptions<FeedbackOptions> options, TimeProvider time)
        : this(options.Value.ResolveDatabasePath(), time)
    {
    }

    public SqliteFeedbackStore(string path, TimeProvider time)
    {
        _time = time;
        Path = path;
        _connection = SqliteDatabase.Open(path, "feedback", synchronousFull: true, """
            CREATE TABLE IF NOT EXISTS feedback (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                created_at_ms INTEGER NOT NULL,
                kind TEXT NOT NULL,
                query TEXT NOT NULL,
                answer TEXT NOT NULL,
                passage_id TEXT NOT NULL,
                model_version TEXT NOT NULL,
                correction TEXT NULL
            );
            """);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public async Task<string> RecordAsync(FeedbackSubmission submission, CancellationToken ct = default)
    {
        var id = Guid.NewGuid().ToString("N");
        await _gate.WaitAsync(ct);
        try
        {
            using var insert = _connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO feedback (id, created_at_ms, kind, query, answer, passage_id, model_version, correction)
                VALUES ($id, $created, $kind, $query, $answer, $passage, $model, $correction)
                """;
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$created", _time.GetUtcNow().ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$kind", submission.Kind.Name());
            insert.Parameters.AddWithValue("$query", submission.Query);
            insert.Parameters.AddWithValue("$answer", submission.Answer);
            insert.Parameters.AddWithValue("$passage", submission.PassageId);
            insert.Parameters.AddWithValue("$model", submission.ModelVersion);
            insert.Parameters.AddWithValue("$correction", (object?)submission.Correction ?? DBNull.Value);
            // Autocommit: the statement's own transaction is committed (and, with synchronous=FULL, fsynced) before this returns.
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
            return id;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<FeedbackEntry>> ListAsync(int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _gate.WaitAsync(ct);
        try
        {
            using var select = _connection.CreateCommand();
            select.CommandText = """
                SELECT id, created_at_ms, kind, query, answer, passage_id, model_version, correction
                FROM feedback ORDER BY seq DESC LIMIT $limit
                """;
            select.Parameters.AddWithValue("$limit", limit);
            using var reader = await select.ExecuteReaderAsync(ct);
            return await FeedbackRows.ReadAllAsync(reader, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }
}
