using System.CommandLine;
using Grpc.Core;
using Search.Client;

namespace Search.Cli.Commands;

/// <summary><c>review export --out FILE</c>: writes the gateway's reviewed cases as a SQuAD-format file.</summary>
public static class ReviewCommand
{
    /// <summary>Environment variable holding the reviewer key when --review-key is not given.</summary>
    public const string ReviewKeyVariable = "SEARCH_REVIEW_KEY";

    private const string ExportDetails = """
        Writes the answers reviewers confirmed or corrected in the review console, each with its passage, and the
        passages they blocked for a query with no reviewed answer (as questions marked "is_impossible"), as one
        SQuAD-format file. 'ingest FILE --format squad' indexes its passages, 'eval squad --file FILE' measures the
        cluster on it, and 'train answer' takes it with the other training files.
        """;

    public static Command Create(Option<string> gateway)
    {
        var outPath = new Option<string>("--out") { Description = "where to write the SQuAD-format JSON (required)", HelpName = "FILE" };
        var key = new Option<string>("--review-key")
        {
            Description = $"the gateway's reviewer key (default: the {ReviewKeyVariable} environment variable; `make run` prints the local one)",
            HelpName = "KEY",
        };
        var export = new CliCommand("export", "Writes the reviewed cases as a SQuAD-format file.", ExportDetails) { outPath, key };
        CliSyntax.Require(export, outPath);
        export.SetAction((parse, cancellationToken) => ExportAsync(
            parse.GetValue(outPath)!, parse.GetValue(key), parse.GetValue(gateway)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return new CommandGroup("review", "Works with the review console's decisions.", "an action", "review action", export);
    }

    private static async Task<int> ExportAsync(string path, string? key, string gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        key ??= Environment.GetEnvironmentVariable(ReviewKeyVariable);
        if (string.IsNullOrEmpty(key))
        {
            throw new UsageException($"the reviewer key is needed: give --review-key KEY or set {ReviewKeyVariable}");
        }

        using var client = CliApp.Connect(gateway);
        Contracts.V1.ExportResponse export;
        try
        {
            export = await client.ExportReviewsAsync(key, cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            await error.WriteLineAsync($"error: the gateway at {gateway} answered {e.StatusCode}: {e.Status.Detail}");
            return CliApp.ExitFailure;
        }

        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }

            await File.WriteAllTextAsync(path, export.SquadJson, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: cannot write '{path}': {e.Message}");
            return CliApp.ExitFailure;
        }

        await output.WriteLineAsync($"wrote {export.Answered} reviewed answers and {export.Impossible} blocked (no-answer) questions to {path}");
        return CliApp.ExitOk;
    }
}
