using Grpc.Core;
using Search.Cli.Commands;
using Search.Client;
using Search.Evaluation.Datasets;

namespace Search.Cli;

/// <summary>The command dispatcher: parses the global options, picks the command, maps failures to exit codes.</summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;
    public const int ExitCancelled = 130;

    public const string Usage = """
        usage: search-cli [--gateway URL] <command> [options]

        commands:
          ingest FILE [--format jsonl|squad|beir] [--batch N]   send documents to the index
          ask "question" [--lang L] [--k N]                 print the answer box and the top results
          eval squad --file FILE [--limit N] [--k N]        measure EM/F1, passage rank, box quality and latency
          eval beir --corpus C --queries Q --qrels R        measure nDCG@10, Recall@100, MRR@10 of retrieval
          fit-rerank [--scifact DIR] [--squad FILE]         fit the reranker's fused weights, write rerank-weights.json
          train answer FILE... --out MODEL                  fit the answer model (span choice, calibrated confidence) on SQuAD-format files

        global options:
          --gateway URL   the gateway's gRPC address (default http://127.0.0.1:8081)
          -h, --help      this help; 'search-cli <command> --help' for a command

        exit codes: 0 done, 1 failed (gateway unreachable, file unreadable), 2 bad command line
        """;

    /// <summary>Runs the tool as the process would; output goes to the given writers.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var gateway = SearchClient.DefaultAddress;
        var i = 0;
        for (; i < args.Length && args[i].StartsWith('-'); i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                await output.WriteLineAsync(Usage);
                return ExitOk;
            }

            if (arg.StartsWith("--gateway=", StringComparison.Ordinal))
            {
                gateway = arg["--gateway=".Length..];
            }
            else if (arg == "--gateway" && i + 1 < args.Length)
            {
                gateway = args[++i];
            }
            else
            {
                return await UsageError(error, arg == "--gateway" ? "option '--gateway' needs a value" : $"unknown option '{arg}'", null);
            }
        }

        if (i == args.Length)
        {
            return await UsageError(error, "no command given", null);
        }

        var command = args[i];
        var rest = args[(i + 1)..];
        try
        {
            return command switch
            {
                "ingest" => await IngestCommand.RunAsync(rest, gateway, output, error, cancellationToken),
                "ask" => await AskCommand.RunAsync(rest, gateway, output, error, cancellationToken),
                "eval" => await EvalCommand.RunAsync(rest, gateway, output, error, cancellationToken),
                "fit-rerank" => await FitRerankCommand.RunAsync(rest, gateway, output, error, cancellationToken),
                "train" => await TrainCommand.RunAsync(rest, gateway, output, error, cancellationToken),
                "help" => await Help(rest, output, error),
                _ => await UsageError(error, $"unknown command '{command}' (commands: ingest, ask, eval, train)", null),
            };
        }
        catch (UsageException e)
        {
            return await UsageError(error, e.Message, e.HelpCommand);
        }
        catch (GatewayUnreachableException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitFailure;
        }
        catch (RpcException e)
        {
            await error.WriteLineAsync($"error: the gateway at {gateway} answered {e.StatusCode}: {e.Status.Detail}");
            if (e.StatusCode == StatusCode.Unauthenticated)
            {
                await error.WriteLineAsync($"hint: give the gateway's ingest key with --api-key KEY or the {IngestCommand.ApiKeyVariable} environment variable");
            }

            return ExitFailure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled");
            return ExitCancelled;
        }
    }

    /// <summary>Reads a SQuAD-format file; null, with the reason printed, when it cannot be read.</summary>
    internal static async Task<SquadDataset?> ReadSquadAsync(string path, TextWriter error)
    {
        try
        {
            return SquadReader.ReadFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await error.WriteLineAsync($"error: cannot read '{path}': {e.Message}");
            return null;
        }
    }

    /// <summary>Creates the client for a command, turning a malformed address into a usage error.</summary>
    internal static SearchClient Connect(string gateway, SearchClientOptions? options = null)
    {
        try
        {
            return new SearchClient(gateway, options);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--gateway: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static async Task<int> Help(string[] rest, TextWriter output, TextWriter error)
    {
        var text = rest.FirstOrDefault() switch
        {
            null => Usage,
            "ingest" => IngestCommand.Help,
            "ask" => AskCommand.Help,
            "eval" => EvalCommand.Help,
            "train" => TrainCommand.Help,
            _ => null,
        };
        if (text is null)
        {
            return await UsageError(error, $"unknown command '{rest[0]}' (commands: ingest, ask, eval, train)", null);
        }

        await output.WriteLineAsync(text);
        return ExitOk;
    }

    private static async Task<int> UsageError(TextWriter error, string message, string? command)
    {
        await error.WriteLineAsync($"error: {message}");
        await error.WriteLineAsync(command is null ? "run 'search-cli --help' for usage" : $"run 'search-cli {command} --help' for usage");
        return ExitUsage;
    }
}
