using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Search.Client;
using Search.Contracts.V1;
using Search.Evaluation.Datasets;

namespace Search.Cli.Commands;

/// <summary><c>ingest FILE [--format jsonl|squad|beir] [--batch N]</c>: sends documents in batches and summarises what landed.</summary>
public static class IngestCommand
{
    private const string Details = """
        Prints progress to stderr and a summary (documents accepted, passages, seconds, every rejected item
        with its reason) to stdout. Documents are searchable as soon as they are acknowledged; English
        passages get their sentence vectors (for the fused reranker) shortly after, and the command waits
        for that backlog to drain and reports when it did, unless --no-vector-wait is given.

        Exit code 0 when the ingest ran, even with rejected items; 1 when the file cannot be read or the
        gateway cannot be reached; 2 for a bad command line.
        """;

    private const string FormatDescription = """
        jsonl: one {"id","title","text","url","lang"} object per line
        squad: SQuAD-format JSON; each paragraph becomes a document whose id is the
               paragraph's own "id", or "{article title}#{paragraph index}"
        beir:  a BEIR corpus.jsonl, one {"_id","title","text"} object per line
        default: squad for *.json / *.json.gz, jsonl for *.jsonl / *.jsonl.gz
        """;

    /// <summary>Environment variable holding the ingest key when --api-key is not given.</summary>
    public const string ApiKeyVariable = "SEARCH_API_KEY";

    // Stay well under gRPC's default 4 MB message limit whatever the documents look like.
    private const int MaxBatchBytes = 2 * 1024 * 1024;

    /// <summary>A document and where it came from in the file ("line 12", "paragraph 7").</summary>
    private sealed record SourcedDocument(Document Document, string Where);

    /// <summary>An item that did not land.</summary>
    public sealed record Rejection(string Where, string? DocumentId, string Reason);

    public static Command Create(Option<string> gateway)
    {
        var file = new Argument<string>("FILE") { Description = "the file to read; plain or gzip (recognised by its content)" };
        var format = CliSyntax.Choice("--format", FormatDescription, ["jsonl", "squad", "beir"]);
        var batch = CliSyntax.Number("--batch", "documents per request, 1..5000", 100, 1, 5000);
        var apiKey = new Option<string>("--api-key")
        {
            Description = $"the gateway's ingest key (default: the {ApiKeyVariable} environment variable; `make run` prints the local cluster's key)",
            HelpName = "KEY",
        };
        var noVectorWait = new Option<bool>("--no-vector-wait")
        {
            Description = "return once the documents are searchable, without waiting for their passages' vectors",
        };
        var command = new CliCommand("ingest", "Sends the documents of a file to the index in batches.", Details) { file, format, batch, apiKey, noVectorWait };
        CliSyntax.Require(command, file, "FILE");
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(file)!, parse.GetValue(format), parse.GetValue(batch), parse.GetValue(apiKey), parse.GetValue(gateway)!,
            !parse.GetValue(noVectorWait), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string path, string? format, int batchSize, string? apiKey, string gateway, bool waitForVectors, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        format ??= GuessFormat(path)
            ?? throw new UsageException($"cannot tell the format of '{path}' from its name: give --format jsonl, squad or beir");
        apiKey ??= Environment.GetEnvironmentVariable(ApiKeyVariable);
        using var client = CliApp.Connect(gateway, new SearchClientOptions { ApiKey = apiKey });

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
        if (waitForVectors)
        {
            await WaitForVectorsAsync(client, clock, output, error, cancellationToken);
        }

        return CliApp.ExitOk;
    }

    // Asked often enough that the reported time is close to when the last vector landed, rarely enough to cost nothing.
    private static readonly TimeSpan VectorPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>Waits until retrieval reports no passage pending its vector (an evaluation right after should see the fused reranker).</summary>
    private static async Task WaitForVectorsAsync(SearchClient client, Stopwatch clock, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var lastReport = TimeSpan.Zero;
        var pending = (await client.GetStatsAsync(cancellationToken)).PassagesPendingVectors;
        if (pending == 0)
        {
            return;
        }

        while (pending > 0)
        {
            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(5))
            {
                lastReport = clock.Elapsed;
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"vectors: {pending} passages pending (searchable already; --no-vector-wait skips this)"));
            }

            await Task.Delay(VectorPoll, cancellationToken);
            pending = (await client.GetStatsAsync(cancellationToken)).PassagesPendingVectors;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  vectors done     {clock.Elapsed.TotalSeconds:F1} s"));
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
