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
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <param name="setting">The setting the connection string came from, as an error names it.</param>
    /// <param name="schema">Idempotent statements (CREATE … IF NOT EXISTS) that create the caller's tables.</param>
    public PostgresDatabase(string connectionString, string setting, string schema)
    {
        _schema = schema;
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
        // The statements run as one implicit transaction, and the lock serialises them with every other store's and
        // replica's: CREATE TABLE IF NOT EXISTS run at once on two connections fails (a duplicate or a deadlock).
        await using var create = Source.CreateCommand($"SELECT pg_advisory_xact_lock({SchemaLock});\n{_schema}");
        await create.ExecuteNonQueryAsync();
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
