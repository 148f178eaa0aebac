using Npgsql;
using NpgsqlTypes;
using Search.Gateway.Storage;

namespace Search.Gateway.QueryLog;

/// <summary>
/// The query log in PostgreSQL (Gateway:Store:Postgres), one log for every gateway replica: each replica's
/// <see cref="QueryLogWriter"/> appends its batches, and the review queues of any replica summarise all of them. A batch
/// is one statement in one transaction; entries are ordered by one server-side sequence, not by the replicas' clocks.
/// </summary>
public sealed class PostgresQueryLogStore : IQueryLogStore, IAsyncDisposable, IDisposable
{
    private const string Columns = "at_ms, query, language, box_shown, confidence, passage_id, reviewed, degraded, latency_ms, cached";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS query_log (
            seq BIGSERIAL PRIMARY KEY,
            at_ms BIGINT NOT NULL,
            query TEXT NOT NULL,
            language TEXT NOT NULL,
            box_shown BOOLEAN NOT NULL,
            confidence DOUBLE PRECISION NULL,
            passage_id TEXT NOT NULL,
            reviewed BOOLEAN NOT NULL,
            degraded TEXT NOT NULL,
            latency_ms DOUBLE PRECISION NOT NULL,
            cached BOOLEAN NOT NULL
        );
        CREATE INDEX IF NOT EXISTS query_log_query ON query_log (query);
        """;

    private readonly PostgresDatabase _database;

    /// <param name="setting">The setting <paramref name="connectionString"/> came from, as an error names it.</param>
    public PostgresQueryLogStore(string connectionString, string setting = StoreOptions.PostgresSetting)
    {
        _database = new PostgresDatabase(connectionString, setting, Schema, "query_log_query");
    }

    public async Task AppendAsync(IReadOnlyList<QueryLogEntry> entries, int maxEntries, CancellationToken ct = default)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await _database.EnsureSchemaAsync();
        // Not cancelled once started: the writer's batch is either stored whole or reported as dropped.
        await using var connection = await _database.Source.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        // One row per array element, in the batch's order (unnest keeps it, and the sequence numbers follow it).
        await using var insert = new NpgsqlCommand($"""
            INSERT INTO query_log ({Columns})
            SELECT {Columns} FROM unnest($1::bigint[], $2::text[], $3::text[], $4::boolean[], $5::double precision[], $6::text[], $7::boolean[], $8::text[], $9::double precision[], $10::boolean[])
                WITH ORDINALITY AS batch({Columns}, n)
            ORDER BY n
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. entries.Select(e => e.At.ToUnixTimeMilliseconds())] });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. entries.Select(e => e.Query)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. entries.Select(e => e.Language)] });
        insert.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. entries.Select(e => e.BoxShown)] });
        insert.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.Confidence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. entries.Select(e => e.PassageId)] });
        insert.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. entries.Select(e => e.Reviewed)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. entries.Select(e => string.Join(',', e.Degraded))] });
        insert.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. entries.Select(e => e.LatencyMs)] });
        insert.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. entries.Select(e => e.Cached)] });
        await insert.ExecuteNonQueryAsync(CancellationToken.None);

        // By sequence number, as SQLite does: cheap on the primary key, and it never keeps more than the cap (numbers
        // skipped by rolled-back transactions make it keep a few fewer).
        await using var prune = new NpgsqlCommand(
            "DELETE FROM query_log WHERE seq <= (SELECT MAX(seq) FROM query_log) - $1", connection, transaction);
        prune.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxEntries });
        await prune.ExecuteNonQueryAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    public async Task<IReadOnlyList<QueryLogEntry>> ListAsync(int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await ReadAsync($"SELECT {Columns} FROM query_log ORDER BY seq DESC LIMIT $1", [limit], r => new QueryLogEntry(
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)),
            r.GetString(1),
            r.GetString(2),
            r.GetBoolean(3),
            r.IsDBNull(4) ? null : r.GetDouble(4),
            r.GetString(5),
            r.GetBoolean(6),
            r.GetString(7).Split(',', StringSplitOptions.RemoveEmptyEntries),
            r.GetDouble(8),
            r.GetBoolean(9)), ct);
    }

    // COLLATE "C": the texts compare by code point, as SQLite compares them, whatever the database's locale.
    public Task<IReadOnlyList<QueryLogSummary>> MostAbstainedAsync(int limit, CancellationToken ct = default) => ReadAsync("""
        SELECT query, MAX(language COLLATE "C"), COUNT(*) AS n, MAX(confidence), MAX(passage_id COLLATE "C"), MAX(at_ms) AS last
        FROM query_log WHERE NOT box_shown GROUP BY query ORDER BY n DESC, last DESC LIMIT $1
        """, [limit], Summary, ct);

    public Task<IReadOnlyList<QueryLogSummary>> LowConfidenceAsync(double below, int limit, CancellationToken ct = default) => ReadAsync("""
        SELECT query, MAX(language COLLATE "C"), COUNT(*) AS n, MIN(confidence) AS lowest, MAX(passage_id COLLATE "C"), MAX(at_ms)
        FROM query_log WHERE box_shown AND NOT reviewed AND confidence < $1 GROUP BY query ORDER BY lowest ASC, n DESC LIMIT $2
        """, [below, limit], Summary, ct);

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    public void Dispose() => _database.Dispose();

    private static QueryLogSummary Summary(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetDouble(3), r.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)));

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, object[] parameters, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await _database.EnsureSchemaAsync();
        await using var select = _database.Source.CreateCommand(sql);
        foreach (var value in parameters)
        {
            select.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var rows = new List<T>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
