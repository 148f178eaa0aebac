using Npgsql;

namespace Search.Gateway.Storage;

/// <summary>
/// The gateway's PostgreSQL database (Gateway:Store:Postgres): a connection pool, and the caller's tables created on
/// first use, so a new database needs no migration step. A failure to create them is not remembered, so a database
/// that comes back later is used. Commits return once PostgreSQL has flushed them to its write-ahead log
/// (synchronous_commit on, the server's default).
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>The advisory lock (any number the gateway alone uses) held while tables are created.</summary>
    private const long SchemaLock = 0x5345_4152_4348;

    private readonly string _schema;
    private readonly string _lastCreated;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <param name="setting">The setting the connection string came from, as an error names it.</param>
    /// <param name="schema">Idempotent statements (CREATE … IF NOT EXISTS) that create the caller's tables.</param>
    /// <param name="lastCreated">The table or index <paramref name="schema"/> creates last: when it exists, so does the rest.</param>
    public PostgresDatabase(string connectionString, string setting, string schema, string lastCreated)
    {
        _schema = schema;
        _lastCreated = lastCreated;
        try
        {
            Source = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{setting} is not a valid connection string: {e.Message}", e);
        }
    }

    public NpgsqlDataSource Source { get; }

    public async Task EnsureSchemaAsync()
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync();
        try
        {
            if (!_schemaReady)
            {
                await CreateSchemaAsync();
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    private async Task CreateSchemaAsync()
    {
        // The lock serialises table creation across every store and replica (CREATE TABLE IF NOT EXISTS run at once on
        // two connections fails). What was created is then looked up under the lock and not created again, not only to
        // save the statements: CREATE INDEX IF NOT EXISTS locks its table before it finds the index, and would deadlock
        // with another replica's write under way.
        await using var connection = await Source.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockSchema = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLock})", connection, transaction))
        {
            await lockSchema.ExecuteNonQueryAsync();
        }

        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, transaction))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _lastCreated });
            if ((bool)(await exists.ExecuteScalarAsync())!)
            {
                return;
            }
        }

        await using (var create = new NpgsqlCommand(_schema, connection, transaction))
        {
            await create.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        _schemaGate.Dispose();
    }

    public void Dispose()
    {
        Source.Dispose();
        _schemaGate.Dispose();
    }
}
