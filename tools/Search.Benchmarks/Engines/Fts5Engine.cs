using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Search.Benchmarks.Corpus;

namespace Search.Benchmarks.Engines;

/// <summary>The FTS5 tokenizers measured: plain Unicode words, and the same words Porter-stemmed.</summary>
public enum Fts5Tokenizer
{
    Unicode61,
    PorterUnicode61,
}

/// <summary>
/// SQLite FTS5 in this process over a file database: one row per document (title, text), ranked by FTS5's
/// own BM25 with the title weighted as the service weights it.
/// </summary>
public sealed class Fts5Engine : ISearchEngine
{
    /// <summary>Rows inserted per transaction.</summary>
    public const int InsertBatchSize = 1000;

    /// <summary>FTS5's BM25 with column weights (title, text): the service's TitleBoost, a title match counting half a text match.</summary>
    public const string RankFunction = "bm25(0.5, 1.0)";

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _search;
    private readonly SqliteParameter _match;
    private readonly string _path;

    // FTS5 rowid - 1 → document id.
    private readonly List<string> _documentIds = [];

    private Fts5Engine(string path, Fts5Tokenizer tokenizer)
    {
        _path = path;
        Tokenizer = tokenizer;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL");
        Execute("PRAGMA synchronous = NORMAL");
        Execute($"CREATE VIRTUAL TABLE documents USING fts5(title, text, tokenize = '{TokenizerArgument(tokenizer)}')");
        _search = _connection.CreateCommand();
        _search.CommandText =
            $"SELECT rowid FROM documents WHERE documents MATCH $match AND rank MATCH '{RankFunction}' ORDER BY rank LIMIT {ISearchEngine.RankDepth}";
        _match = _search.Parameters.Add("$match", SqliteType.Text);
    }

    public Fts5Tokenizer Tokenizer { get; }

    public string Name => Tokenizer == Fts5Tokenizer.PorterUnicode61 ? "fts5_porter" : "fts5";

    /// <summary>The tokenize= argument of the table, as the report shows it.</summary>
    public static string TokenizerArgument(Fts5Tokenizer tokenizer) => tokenizer switch
    {
        Fts5Tokenizer.Unicode61 => "unicode61",
        Fts5Tokenizer.PorterUnicode61 => "porter unicode61",
        _ => throw new ArgumentOutOfRangeException(nameof(tokenizer)),
    };

    /// <summary>Creates the table in a new database file at <paramref name="path"/>.</summary>
    public static Fts5Engine Create(string path, Fts5Tokenizer tokenizer) => new(path, tokenizer);

    /// <summary>The SQLite version in use and whether it was compiled with FTS5.</summary>
    public static (string Version, bool HasFts5) Probe()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version(), sqlite_compileoption_used('ENABLE_FTS5')";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetString(0), reader.GetInt64(1) == 1);
    }

    public Task<IngestMeasurement> IngestAsync(IReadOnlyList<BenchmarkDocument> documents, ProgressLog progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var insert = _connection.CreateCommand();
        insert.CommandText = "INSERT INTO documents (rowid, title, text) VALUES ($rowid, $title, $text)";
        var rowid = insert.Parameters.Add("$rowid", SqliteType.Integer);
        var title = insert.Parameters.Add("$title", SqliteType.Text);
        var text = insert.Parameters.Add("$text", SqliteType.Text);
        for (var start = 0; start < documents.Count; start += InsertBatchSize)
        {
            ct.ThrowIfCancellationRequested();
            using var transaction = _connection.BeginTransaction();
            insert.Transaction = transaction;
            foreach (var document in documents.Skip(start).Take(InsertBatchSize))
            {
                _documentIds.Add(document.Id);
                rowid.Value = _documentIds.Count;
                title.Value = document.Title;
                text.Value = document.Text;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
            progress.Advance(Math.Min(InsertBatchSize, documents.Count - start));
        }

        clock.Stop();
        return Task.FromResult(new IngestMeasurement(documents.Count, null, clock.Elapsed));
    }

    public ValueTask<IReadOnlyList<string>> SearchAsync(string query, CancellationToken ct)
    {
        if (FtsMatchExpression.From(query) is not { } expression)
        {
            return ValueTask.FromResult<IReadOnlyList<string>>([]);
        }

        _match.Value = expression;
        var ranked = new List<string>(ISearchEngine.RankDepth);
        using var reader = _search.ExecuteReader();
        while (reader.Read())
        {
            ranked.Add(_documentIds[(int)reader.GetInt64(0) - 1]);
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(ranked);
    }

    /// <summary>Rows the table holds, read back from SQLite rather than counted here.</summary>
    public long CountRows()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM documents";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public TimeSpan? ServerProcessorTime() => null;

    public long IndexBytes() =>
        new[] { "", "-wal", "-shm" }.Select(suffix => new FileInfo(_path + suffix)).Where(f => f.Exists).Sum(f => f.Length);

    public ValueTask DisposeAsync()
    {
        _search.Dispose();
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
