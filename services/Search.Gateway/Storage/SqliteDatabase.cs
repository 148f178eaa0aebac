using Microsoft.Data.Sqlite;
using Search.Gateway.Feedback;

namespace Search.Gateway.Storage;

/// <summary>
/// Opens a connection to the gateway's SQLite database (Gateway:Feedback:Database, one file for feedback, the query
/// log and review actions) in write-ahead-log mode, with busy_timeout so another connection or process on the same
/// file waits for the lock instead of failing, and creates the caller's tables.
/// </summary>
internal static class SqliteDatabase
{
    /// <param name="what">What the connection is for, as a start-up failure names it ("feedback", "query log").</param>
    /// <param name="synchronousFull">
    /// FULL fsyncs every commit before it returns, so an acknowledged write survives a power cut too; NORMAL survives
    /// the process being killed, not the machine losing power.
    /// </param>
    public static SqliteConnection Open(string path, string what, bool synchronousFull, string schema)
    {
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            try
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = $"""
                    PRAGMA busy_timeout = 5000;
                    PRAGMA journal_mode = WAL;
                    PRAGMA synchronous = {(synchronousFull ? "FULL" : "NORMAL")};
                    {schema}
                    """;
                command.ExecuteNonQuery();
                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"the {what} database {path} ({FeedbackOptions.Section}:Database) cannot be opened: {e.Message}", e);
        }
    }
}
