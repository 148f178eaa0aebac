using System.Globalization;
using Npgsql;
using Search.Hosting;
using Search.TestKit;

namespace Search.Gateway.Tests;

/// <summary>
/// A real PostgreSQL server for a test class (Debian's binaries; `make test` installs them), with a fresh database per
/// test. Without the binaries the tests skip with the reason, and fail under CI.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresProcess? _server;
    private int _databases;

    public async ValueTask InitializeAsync()
    {
        if (PostgresProcess.FindBinaries() is null)
        {
            return;
        }

        _server = new PostgresProcess(LoopbackPorts.Free());
        await _server.StartAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Creates an empty database and returns its connection string; skips the test when PostgreSQL is not installed.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken ct)
    {
        Prerequisite.Require(_server is not null, "PostgreSQL is not installed (make test installs it with apt as root: package postgresql)");
        var name = "store_" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        await using var source = NpgsqlDataSource.Create(_server.ConnectionString());
        await using var create = source.CreateCommand($"CREATE DATABASE {name}");
        await create.ExecuteNonQueryAsync(ct);
        return _server.ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
