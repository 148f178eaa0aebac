using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Search.Gateway.Feedback;
using Search.Gateway.Storage;

namespace Search.Gateway.QueryLog;

/// <summary>
/// The query log in the gateway's SQLite database (the feedback file). Entries arrive in batches from
/// <see cref="QueryLogWriter"/>, off the request path; synchronous=NORMAL, since a log entry lost in a power cut costs
/// nothing a reviewer needs, while every batch still survives the process being killed (WAL).
/// </summary>
public sealed class SqliteQueryLogStore : IQueryLogStore, IDisposable
{
    private const string Columns = "at_ms, query, language, box_shown, confidence, passage_id, reviewed, degraded, latency_ms, cached";

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SqliteQueryLogStore(IOptions<FeedbackOptions> options)
        : this(options.Value.ResolveDatabasePath())
    {
    }

    public SqliteQueryLogStore(string path)
    {
        _connection = SqliteDatabase.Open(path, "query log", synchronousFull: false, """
            CREATE TABLE IF NOT EXISTS query_log (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                at_ms INTEGER NOT NULL,
                query TEXT NOT NULL,
                language TEXT NOT NULL,
                box_shown INTEGER NOT NULL,
                confidence REAL NULL,
                passage_id TEXT NOT NULL,
                reviewed INTEGER NOT NULL,
                degraded TEXT NOT NULL,
                latency_ms REAL NOT NULL,
                cached INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS query_log_query ON query_log (query);
            """);
    }

    public async Task AppendAsync(IReadOnlyList<QueryLogEntry> entries, int maxEntries, CancellationToken ct = default)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(ct);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO query_log ({Columns}) VALUES ($at, $query, $language, $shown, $confidence, $passage, $reviewed, $degraded, $latency, $cached)";
            var parameters = new[] { "$at", "$query", "$language", "$shown", "$confidence", "$passage", "$reviewed", "$degraded", "$latency", "$cached" }
                .Select(name => insert.Parameters.Add(name, SqliteType.Text)).ToArray();
            foreach (var e in entries)
            {
                object?[] values =
                [
                    e.At.ToUnixTimeMilliseconds(), e.Query, e.Language, e.BoxShown ? 1 : 0, e.Confidence, e.PassageId,
                    e.Reviewed ? 1 : 0, string.Join(',', e.Degraded), e.LatencyMs, e.Cached ? 1 : 0,
                ];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].SqliteType = values[i] switch
                    {
                        long or int => SqliteType.Integer,
                        double => SqliteType.Real,
                        _ => SqliteType.Text,
                    };
                    parameters[i].Value = values[i] ?? DBNull.Value;
                }

                await insert.ExecuteNonQueryAsync(CancellationToken.None);
            }

            using var prune = _connection.CreateCommand();
            prune.Transaction = transaction;
            prune.CommandText = "DELETE FROM query_log WHERE seq <= (SELECT MAX(seq) FROM query_log) - $max";
            prune.Parameters.AddWithValue("$max", maxEntries);
            await prune.ExecuteNonQueryAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<QueryLogEntry>> ListAsync(int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await ReadAsync($"SELECT {Columns} FROM query_log ORDER BY seq DESC LIMIT $limit", [("$limit", limit)], r => new QueryLogEntry(
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)),
            r.GetString(1),
            r.GetString(2),
            r.GetInt64(3) != 0,
            r.IsDBNull(4) ? null : r.GetDouble(4),
            r.GetString(5),
            r.GetInt64(6) != 0,
            r.GetString(7).Split(',', StringSplitOptions.RemoveEmptyEntries),
            r.GetDouble(8),
            r.GetInt64(9) != 0), ct);
    }

    public Task<IReadOnlyList<QueryLogSummary>> MostAbstainedAsync(int limit, CancellationToken ct = default) => ReadAsync("""
        SELECT query, MAX(language), COUNT(*) AS n, MAX(confidence), MAX(passage_id), MAX(at_ms) AS last
        FROM query_log WHERE box_shown = 0 GROUP BY query ORDER BY n DESC, last DESC LIMIT $limit
        """, [("$limit", limit)], Summary, ct);

    public Task<IReadOnlyList<QueryLogSummary>> LowConfidenceAsync(double below, int limit, CancellationToken ct = default) => ReadAsync("""
        SELECT query, MAX(language), COUNT(*) AS n, MIN(confidence) AS lowest, MAX(passage_id), MAX(at_ms)
        FROM query_log WHERE box_shown = 1 AND reviewed = 0 AND confidence < $below GROUP BY query ORDER BY lowest ASC, n DESC LIMIT $limit
        """, [("$below", below), ("$limit", limit)], Summary, ct);

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private static QueryLogSummary Summary(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetDouble(3), r.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)));

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, (string Name, object Value)[] parameters, Func<SqliteDataReader, T> read, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            using var select = _connection.CreateCommand();
            select.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                select.Parameters.AddWithValue(name, value);
            }

            var rows = new List<T>();
            using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            _gate.Release();
        }
    }
}
