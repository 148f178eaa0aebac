using System.CommandLine;
using Grpc.Core;
using Search.Cli.Commands;
using Search.Client;
using Search.Evaluation.Datasets;

namespace Search.Cli;

/// <summary>The command tree, and the run of one command line: parse, invoke, failures mapped to exit codes.</summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;
    public const int ExitCancelled = 130;

    private const string Summary = "The Search cluster's command-line client: ingests documents, asks questions, measures answers and retrieval, trains the models.";

    private const string Details = """
        'search-cli COMMAND --help' (or 'search-cli help COMMAND') describes a command.

        Exit codes: 0 done, 1 failed (gateway unreachable, file unreadable), 2 bad command line, 130 cancelled.
        """;

    // A question may start with '@': no response files.
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary>
    /// Every command of the CLI. The root is a command named search-cli rather than a RootCommand, whose name
    /// would be the host's (Search.Cli under dotnet run, testhost under the tests).
    /// </summary>
    public static Command CreateRootCommand()
    {
        var gateway = new Option<string>("--gateway")
        {
            Description = "the gateway's gRPC address",
            HelpName = "URL",
            DefaultValueFactory = _ => SearchClient.DefaultAddress,
            Recursive = true,
        };
        var root = new CliCommand("search-cli", Summary, Details)
        {
            CliCommand.HelpOption(),
            gateway,
            IngestCommand.Create(gateway),
            AskCommand.Create(gateway),
            EvalCommand.Create(gateway),
            FitRerankCommand.Create(gateway),
            TrainCommand.Create(gateway),
            ReviewCommand.Create(gateway),
            NoticesCommand.Create(),
            HelpCommand.Create(),
        };
        root.SetAction(int (_) => throw new UsageException("no command given"));
        return root;
    }

    /// <summary>Runs the tool as the process would; output goes to the given writers.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parse = CreateRootCommand().Parse(args, Parsing);
        var command = parse.CommandResult.Command;
        if (parse.Errors.Count > 0)
        {
            // One message, the first thing wrong; a word the parser did not know usually explains the rest.
            var message = parse.UnmatchedTokens.Count > 0 ? CliSyntax.Unrecognised(command, parse.UnmatchedTokens[0]) : parse.Errors[0].Message;
            return await UsageError(error, message, command);
        }

        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            // Program.cs handles Ctrl-C: the first one cancels the token, a second one ends the process.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (UsageException e)
        {
            return await UsageError(error, e.Message, command);
        }
        catch (GatewayUnreachableException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitFailure;
        }
        catch (RpcException e)
        {
            await error.WriteLineAsync($"error: the gateway at {parse.GetValue<string>("--gateway")} answered {e.StatusCode}: {e.Status.Detail}");
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

    /// <summary>The words on the command line after <paramref name="command"/>'s name, as given (recorded with what they produced).</summary>
    internal static IEnumerable<string> ArgumentsAfter(ParseResult parse, Command command)
    {
        var name = parse.GetResult(command)?.IdentifierToken;
        return parse.Tokens.SkipWhile(t => !ReferenceEquals(t, name)).Skip(1).Select(t => t.Value);
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

    /// <summary>Prints a command-line mistake with a pointer to <paramref name="command"/>'s help; the exit code for it.</summary>
    internal static async Task<int> UsageError(TextWriter error, string message, Command command)
    {
        var path = CliCommand.PathOf(command);
        await error.WriteLineAsync($"error: {message}");
        await error.WriteLineAsync(path.Length == 0 ? "run 'search-cli --help' for usage" : $"run 'search-cli {path} --help' for usage");
        return ExitUsage;
    }
}
