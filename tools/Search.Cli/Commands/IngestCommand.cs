using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Search.Client;
using Search.Contracts.V1;
using Search.Evaluation.Datasets;

namespace Search.Cli.Commands;

/// <summary><c>ingest FILE --format jsonl|squad [--batch N]</c>: sends documents in batches and summarises what landed.</summary>
public static class IngestCommand
{
    public const string Help = """
        usage: search-cli [--gateway URL] ingest FILE [--format jsonl|squad|beir] [--batch N] [--api-key KEY]

        Sends the documents of FILE to the index in batches, printing progress to stderr and a summary
        (documents accepted, passages, seconds, every rejected item with its reason) to stdout.

          FILE              the file to read; plain or gzip (recognised by its content)
          --format F        jsonl: one {"id","title","text","url","lang"} object per line
                            squad: SQuAD-format JSON; each paragraph becomes a document whose id is the
                                   paragraph's own "id", or "{article title}#{paragraph index}"
                            beir:  a BEIR corpus.jsonl, one {"_id","title","text"} object per line
                            default: squad for *.json / *.json.gz, jsonl for *.jsonl / *.jsonl.gz
          --batch N         documents per request, 1..5000 (default 100)
          --gateway URL     the gateway's gRPC address (default http://127.0.0.1:8081)
          --api-key KEY     the gateway's ingest key (default: the SEARCH_API_KEY environment variable;
                            `make run` prints the local cluster's key)

        Exit code 0 when the ingest ran, even with rejected items; 1 when the file cannot be read or the
        gateway cannot be reached; 2 for a bad command line.
        """;

    /// <summary>Environment variable holding the ingest key when --api-key is not given.</summary>
    public const string ApiKeyVariable = "SEARCH_API_KEY";

    // Stay well under gRPC's default 4 MB message limit whatever the documents look like.
    private const int MaxBatchBytes = 2 * 1024 * 1024;

    /// <summary>A document and where it came from in the file ("line 12", "paragraph 7").</summary>
    private sealed record SourcedDocument(Document Document, string Where);

    /// <summary>An item that did not land.</summary>
    public sealed record Rejection(string Where, string? DocumentId, string Reason);

    public static async Task<int> RunAsync(string[] args, string gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var line = CommandLine.Parse("ingest", args, ["--format", "--batch", "--gateway", "--api-key"]);
        if (line.Help)
        {
            await output.WriteLineAsync(Help);
            return CliApp.ExitOk;
        }

        line.ExpectPositionals("FILE");
        var path = line.Positionals[0];
        var format = line.Value("--format") ?? GuessFormat(path)
            ?? throw new UsageException($"cannot tell the format of '{path}' from its name: give --format jsonl, squad or beir", "ingest");
        if (format is not ("jsonl" or "squad" or "beir"))
        {
            throw new UsageException($"--format must be jsonl, squad or beir, got '{format}'", "ingest");
        }

        var batchSize = line.Number("--batch", 100, 1, 5000);
        var apiKey = line.Value("--api-key") ?? Environment.GetEnvironmentVariable(ApiKeyVariable);
        using var client = CliApp.Connect(line.Value("--gateway") ?? gateway, new SearchClientOptions { ApiKey = apiKey });

        var rejected = new List<Rejection>();
        IEnumerable<SourcedDocument> documents;
        try
        {
            documents = format switch
            {
                "jsonl" => ReadLines(JsonlDocumentReader.ReadFile(path), rejected),
                "beir" => ReadLines(BeirReader.ReadCorpus(path), rejected),
                _ => ReadSquad(path),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await error.WriteLineAsync($"error: cannot read '{path}': {e.Message}");
            return CliApp.ExitFailure;
        }

        // Fail early and clearly when nothing is listening, before reading a large file.
        await client.GetStatsAsync(cancellationToken);

        var clock = Stopwatch.StartNew();
        var progress = new Progress(error, clock);
        int read = 0, accepted = 0, passages = 0;
        var batch = new List<SourcedDocument>(batchSize);
        var batchBytes = 0;
        try
        {
            foreach (var document in documents)
            {
                read++;
                var size = document.Document.CalculateSize();
                if (batch.Count > 0 && (batch.Count >= batchSize || batchBytes + size > MaxBatchBytes))
                {
                    (accepted, passages) = Add((accepted, passages), await SendAsync(client, batch, rejected, cancellationToken));
                    progress.Report(read - 1, accepted);
                    batch.Clear();
                    batchBytes = 0;
                }

                batch.Add(document);
                batchBytes += size;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: reading '{path}' failed after {read} documents: {e.Message}");
            return CliApp.ExitFailure;
        }

        if (batch.Count > 0)
        {
            (accepted, passages) = Add((accepted, passages), await SendAsync(client, batch, rejected, cancellationToken));
        }

        progress.Report(read, accepted, final: true);
        await output.WriteAsync(Summary(path, format, read, accepted, passages, rejected, clock.Elapsed.TotalSeconds));
        return CliApp.ExitOk;
    }

    public static string Summary(string path, string format, int read, int accepted, int passages, IReadOnlyList<Rejection> rejected, double seconds)
    {
        var text = new System.Text.StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"ingested {path} ({format})\n");
        text.Append(c, $"  documents read   {read}\n");
        text.Append(c, $"  accepted         {accepted}\n");
        text.Append(c, $"  passages         {passages}\n");
        text.Append(c, $"  rejected         {rejected.Count}\n");
        text.Append(c, $"  seconds          {seconds:F1}\n");
        if (rejected.Count > 0)
        {
            text.Append("rejected items:\n");
            foreach (var r in rejected)
            {
                text.Append(c, $"  {r.Where}\tid={(string.IsNullOrEmpty(r.DocumentId) ? "-" : r.DocumentId)}\t{r.Reason}\n");
            }
        }

        return text.ToString();
    }

    private static async Task<(int Accepted, int Passages)> SendAsync(
        SearchClient client, List<SourcedDocument> batch, List<Rejection> rejected, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.UpsertAsync(batch.ConvertAll(d => d.Document), cancellationToken);
            foreach (var r in response.Rejected)
            {
                var where = r.Index >= 0 && r.Index < batch.Count ? batch[r.Index].Where : $"batch item {r.Index}";
                rejected.Add(new Rejection(where, r.DocumentId, r.Reason));
            }

            return (response.Accepted, response.Passages);
        }
        catch (RpcException e) when (e.StatusCode is not (StatusCode.Unauthenticated or StatusCode.PermissionDenied))
        {
            // One failed batch does not stop the ingest: its documents are reported and the next batch goes on.
            // A refused key stops it: every other batch would be refused the same way.
            foreach (var d in batch)
            {
                rejected.Add(new Rejection(d.Where, d.Document.Id, $"batch failed: {e.StatusCode}: {e.Status.Detail}"));
            }

            return (0, 0);
        }
    }

    private static (int, int) Add((int Accepted, int Passages) total, (int Accepted, int Passages) batch) =>
        (total.Accepted + batch.Accepted, total.Passages + batch.Passages);

    private static IEnumerable<SourcedDocument> ReadLines(IEnumerable<JsonlRecord> records, List<Rejection> rejected)
    {
        return Iterate();

        IEnumerable<SourcedDocument> Iterate()
        {
            foreach (var record in records)
            {
                var where = $"line {record.LineNumber}";
                if (record.Document is null)
                {
                    rejected.Add(new Rejection(where, record.DocumentId, record.Error ?? "unreadable"));
                    continue;
                }

                yield return new SourcedDocument(record.Document.ToContract(), where);
            }
        }
    }

    private static IEnumerable<SourcedDocument> ReadSquad(string path) =>
        SquadReader.ReadFile(path).Documents.Select((d, i) => new SourcedDocument(d.ToContract(), $"paragraph {i}")).ToList();

    public static string? GuessFormat(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => "jsonl",
            ".json" => "squad",
            _ => null,
        };
    }

    /// <summary>Progress on stderr, at most about once a second.</summary>
    private sealed class Progress(TextWriter error, Stopwatch clock)
    {
        private TimeSpan _last = TimeSpan.Zero;

        public void Report(int sent, int accepted, bool final = false)
        {
            var now = clock.Elapsed;
            if (!final && now - _last < TimeSpan.FromSeconds(1))
            {
                return;
            }

            _last = now;
            var rate = now.TotalSeconds > 0 ? sent / now.TotalSeconds : 0;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest: {sent} documents sent, {accepted} accepted ({rate:F0} docs/s)"));
        }
    }
}
