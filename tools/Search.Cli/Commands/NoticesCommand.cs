using System.CommandLine;
using Search.Evaluation.Synthetic;

namespace Search.Cli.Commands;

/// <summary><c>notices --out FILE</c>: writes synthetic fresh notices with questions, to train the answer model on.</summary>
public static class NoticesCommand
{
    private const string Details = """
        Writes made-up notices of six kinds (job offers, product recalls, exhibitions, supply interruptions,
        match reports, courses) in English, Simplified and Traditional Chinese, with questions, as one SQuAD 2.0
        file: each notice names its subject first and then states four of its kind's six facts; four questions
        ask those and one asks a fact it leaves out ("is_impossible"). Names, places and products are coined.
        The benchmark sets teach the answer model Wikipedia paragraphs; these teach it the short, unique
        documents a real-time index receives. The kinds differ from the probe set's (tools/probe), so the
        probe measures a model trained on them on kinds of document it never saw.

        Use: 'ingest FILE --format squad' into the cluster, then 'train answer' with FILE beside the
        benchmark files. The same --seed writes the same file.
        """;

    public static Command Create()
    {
        var outPath = new Option<string>("--out") { Description = "where to write the SQuAD 2.0 JSON (required)", HelpName = "FILE" };
        var perKind = CliSyntax.Number("--per-kind", "notices of each kind in each language, 1..1000", 20, 1, 1000);
        var seed = CliSyntax.Number("--seed", "the random seed, 0..1000000", 7, 0, 1_000_000);
        var command = new CliCommand("notices", "Writes synthetic fresh notices with questions (SQuAD 2.0) to train the answer model on.", Details)
        {
            outPath, perKind, seed,
        };
        CliSyntax.Require(command, outPath);
        command.SetAction((parse, cancellationToken) => WriteAsync(
            parse.GetValue(outPath)!, parse.GetValue(perKind), parse.GetValue(seed),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> WriteAsync(string path, int perKind, int seed, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var notices = NoticeWriter.Write(perKind, seed);
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }

            await using var file = File.Create(path);
            NoticeWriter.WriteSquad(notices, file, $"synthetic notices written by search-cli notices --per-kind {perKind} --seed {seed}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: cannot write '{path}': {e.Message}");
            return CliApp.ExitFailure;
        }

        var questions = notices.Sum(n => n.Questions.Count);
        var unanswerable = notices.Sum(n => n.Questions.Count(q => q.Answer is null));
        await output.WriteLineAsync($"wrote {notices.Count} notices with {questions} questions ({unanswerable} that they do not answer) to {path}");
        return CliApp.ExitOk;
    }
}
