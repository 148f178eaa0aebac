using Npgsql;
using Search.Gateway.Storage;

namespace Search.Gateway.Feedback;

/// <summary>
/// Feedback in PostgreSQL (Gateway:Store:Postgres), the store every gateway replica of a deployment shares: an entry
/// recorded through one replica is listed by all. A commit returns once PostgreSQL has flushed it to its write-ahead log
/// (synchronous_commit on, the server's default), so an acknowledged entry survives kill -9 of the gateway and of the
/// server. Connections come from Npgsql's pool; the table is created on first use (<see cref="PostgresDatabase"/>).
/// </summary>
public sealed class PostgresFeedbackStore : IFeedbackStore, IAsyncDisposable, IDisposable
{
    // seq orders entries as any replica inserted them (one sequence, unlike the replicas' clocks).
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS feedback (
            seq BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            created_at_ms BIGINT NOT NULL,
            kind TEXT NOT NULL,
            query TEXT NOT NULL,
            answer TEXT NOT NULL,
            passage_id TEXT NOT NULL,
            model_version TEXT NOT NULL,
            correction TEXT NULL
        )
        """;

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;

    /// <param name="setting">The setting <paramref name="connectionString"/> came from, as an error names it.</param>
    public PostgresFeedbackStore(string connectionString, TimeProvider time, string setting = StoreOptions.PostgresSetting)
    {
        _time = time;
        _database = new PostgresDatabase(connectionString, setting, Schema, "feedback");
    }

    /// <summary>
    /// Creates the table when missing. Every call does it first; a failure is not remembered, so a database that comes
    /// back later is used.
    /// </summary>
    public Task EnsureSchemaAsync() => _database.EnsureSchemaAsync();

    public async Task<string> RecordAsync(FeedbackSubmission submission, CancellationToken ct = default)
    {
        await EnsureSchemaAsync();
        var id = Guid.NewGuid().ToString("N");
        await using var insert = _database.Source.CreateCommand("""
            INSERT INTO feedback (id, created_at_ms, kind, query, answer, passage_id, model_version, correction)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _time.GetUtcNow().ToUnixTimeMilliseconds() });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = submission.Kind.Name() });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = submission.Query });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = submission.Answer });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = submission.PassageId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = submission.ModelVersion });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)submission.Correction ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        // Autocommit: the statement's transaction is committed and flushed before this returns. The caller's token is
        // not passed, so a caller that goes away cannot leave it unknown whether the entry was stored.
        await insert.ExecuteNonQueryAsync(CancellationToken.None);
        return id;
    }

    public async Task<IReadOnlyList<FeedbackEntry>> ListAsync(int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await EnsureSchemaAsync();
        await using var select = _database.Source.CreateCommand("""
            SELECT id, created_at_ms, kind, query, answer, passage_id, model_version, correction
            FROM feedback ORDER BY seq DESC LIMIT $1
            """);
        select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await FeedbackRows.ReadAllAsync(reader, ct);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    public void Dispose() => _database.Dispose();
}
