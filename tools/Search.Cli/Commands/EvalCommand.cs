using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Search.Cli.Evaluation;
using Search.Client;
using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.Evaluation.Plots;

namespace Search.Cli.Commands;

/// <summary><c>eval squad --file FILE</c>: asks the running cluster every question and scores the answers.</summary>
public static class EvalCommand
{
    private const string SquadDetails = """
        Asks the running gateway each question of a SQuAD-format file (plain or gzip), in file order, with
        include_abstained, and compares with the gold answers. Ingest the same file first: the gold paragraph's
        document id is the one 'ingest --format squad' gives it.

          em, f1          of the reader's short answer (the box's span, the span it ranked first when the box
                          shows a whole sentence, else the abstained candidate, else empty) for every
                          question; SQuAD normalisation, character level when the text is Chinese
          top1, top5      the gold paragraph is the first / among the first five results
          box_coverage    share of questions that got a box
          box_precision   share of shown boxes whose span (or sentence) contains a gold answer
          p50_ms, p99_ms  client-side round trip of successful requests
          answer_cpu_ms   (table only) the answer stage's reported CPU per question, median and mean, and the
                          median over the questions that got a box (a box is what the neural reader reads)

        Failed requests count as wrong and are listed with their status; the last line is
        em=… f1=… top1=… top5=… box_precision=… box_coverage=… p50_ms=… p99_ms=…
        """;

    private const int ProgressEvery = 50;

    /// <summary>The precision the answer service aims at by default (Answer:TargetPrecision), drawn on the plot.</summary>
    private const double TargetPrecision = 0.9;
    private const int FailuresListed = 20;

    /// <summary>The <c>eval</c> group: <c>eval squad</c>, <c>eval probe</c> and <c>eval beir</c>.</summary>
    public static Command Create(Option<string> gateway) => new CommandGroup(
        "eval",
        "Measures the running cluster on a dataset: answers (squad), answers and abstentions on the team's probe set (probe) or retrieval (beir).",
        missing: "a dataset kind",
        kind: "evaluation",
        CreateSquad(gateway),
        ProbeEvalCommand.Create(gateway),
        BeirEvalCommand.Create(gateway));

    private static Command CreateSquad(Option<string> gateway)
    {
        var file = new Option<string>("--file") { Description = "the SQuAD-format file (required)", HelpName = "FILE" };
        var limit = CliSyntax.Limit("--limit", "only the first N questions");
        var k = CliSyntax.Number("--k", "results asked for, 1..50", 10, 1, 50);
        var language = CliSyntax.Language();
        var concurrency = CliSyntax.Number("--concurrency", "requests in flight, 1..64", 1, 1, 64);
        var fold = CliSyntax.Choice("--fold",
            "all; test: only the articles 'train answer' held out (index mod 4 = 3); calibration: only those it calibrates on (mod 4 = 2), to choose a setting without looking at the test fold",
            ["all", "test", "calibration"], defaultValue: "all");
        var plot = new Option<string>("--plot")
        {
            Description = "also draw the precision-coverage curve as a PNG, with the 0.90 target and the point the service ran at",
            HelpName = "FILE.png",
        };
        var command = new CliCommand("squad", "Measures EM/F1, passage rank, box quality and latency on a SQuAD-format file.", SquadDetails)
        {
            file, limit, k, language, concurrency, fold, plot,
        };
        CliSyntax.Require(command, file);
        command.SetAction((parse, cancellationToken) => RunAsync(
            new SquadRun(parse.GetValue(file)!, parse.GetValue(limit) ?? int.MaxValue, parse.GetValue(k), parse.GetValue(language), parse.GetValue(concurrency), parse.GetValue(fold)!, parse.GetValue(plot)),
            parse.GetValue(gateway)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private sealed record SquadRun(string Path, int Limit, int K, string? Language, int Concurrency, string Fold, string? Plot);

    private static async Task<int> RunAsync(SquadRun run, string gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (path, limit, k, language, concurrency, fold, plot) = run;
        using var client = CliApp.Connect(gateway);

        if (await CliApp.ReadSquadAsync(path, error) is not { } dataset)
        {
            return CliApp.ExitFailure;
        }

        // Unanswerable questions (SQuAD 2.0 style) have nothing to score against.
        var answerable = dataset.Questions.Where(q => q.Answers.Count > 0 && InFold(q, fold)).ToList();
        var questions = answerable.Take(limit).ToList();
        var skipped = dataset.Questions.Count - answerable.Count;

        await CheckIndexAsync(client, path, error, cancellationToken);

        await error.WriteLineAsync($"eval: {questions.Count} questions from {path} ({skipped} without gold answers skipped), concurrency {concurrency}");
        var outcomes = await AskAllAsync(client, questions, language, k, concurrency, error, cancellationToken);

        var report = new EvalReport(outcomes);
        await output.WriteAsync(report.Table());
        await output.WriteAsync(report.CurveTable());
        var failures = outcomes.Where(o => o.Failed).ToList();
        if (failures.Count > 0)
        {
            await output.WriteLineAsync("failed requests:");
            foreach (var failure in failures.Take(FailuresListed))
            {
                await output.WriteLineAsync($"  {failure.QuestionId}\t{failure.FailedWith}\t{failure.FailureDetail}");
            }

            if (failures.Count > FailuresListed)
            {
                await output.WriteLineAsync($"  … and {failures.Count - FailuresListed} more");
            }
        }

        if (plot is not null)
        {
            var caption = $"{Path.GetFileName(path)}, {questions.Count} questions{fold switch { "test" => " (held out)", "calibration" => " (calibration fold)", _ => "" }}";
            var curve = report.PrecisionCoverage(CoveragePlot.Thresholds)
                .Where(p => p.Shown > 0)
                .OrderByDescending(p => p.Threshold)
                .Select(p => (p.Coverage, p.Precision))
                .ToList();
            CoveragePlot.Save(plot, curve, TargetPrecision, report.BoxPrecision, report.BoxCoverage, caption);
            await error.WriteLineAsync($"eval: wrote the precision-coverage curve to {plot}");
        }

        await output.WriteLineAsync(report.SummaryLine());
        return CliApp.ExitOk;
    }

    /// <summary>Whether <paramref name="question"/> belongs to the articles <c>--fold</c> names.</summary>
    internal static bool InFold(SquadQuestion question, string fold) => fold switch
    {
        "test" => AnswerFolds.Of(question) == AnswerFolds.HeldOut,
        "calibration" => AnswerFolds.Of(question) == AnswerFolds.Calibration,
        _ => true,
    };

    /// <summary>Fails fast when nothing listens; a gateway that answers with an error only earns a warning, and the questions still run.</summary>
    private static async Task CheckIndexAsync(SearchClient client, string path, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var stats = await client.GetStatsAsync(cancellationToken);
            if (stats.Documents == 0)
            {
                await error.WriteLineAsync($"warning: the index is empty; run 'ingest {path} --format squad' first");
            }
        }
        catch (RpcException e)
        {
            await error.WriteLineAsync($"warning: the gateway could not report index stats ({e.StatusCode}: {e.Status.Detail})");
        }
    }

    private static async Task<QuestionOutcome[]> AskAllAsync(
        SearchClient client, List<SquadQuestion> questions, string? language, int k, int concurrency, TextWriter error, CancellationToken cancellationToken)
    {
        var outcomes = new QuestionOutcome[questions.Count];
        var done = 0;
        var clock = Stopwatch.StartNew();
        var progressLock = new Lock();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, questions.Count), parallel, async (index, ct) =>
        {
            outcomes[index] = await AskAsync(client, questions[index], language, k, ct);
            var count = Interlocked.Increment(ref done);
            if (count % ProgressEvery == 0 || count == questions.Count)
            {
                lock (progressLock)
                {
                    var rate = count / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval: {count}/{questions.Count} questions ({rate:F1} q/s)"));
                }
            }
        });
        return outcomes;
    }

    private static async Task<QuestionOutcome> AskAsync(SearchClient client, SquadQuestion question, string? language, int k, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var response = await client.SearchAsync(question.Question, language, k, includeAbstained: true, cancellationToken);
            return SquadGrader.Grade(question, response, clock.Elapsed.TotalMilliseconds);
        }
        catch (RpcException e)
        {
            return QuestionOutcome.Failure(question.Id, e.StatusCode, e.Status.Detail);
        }
        catch (GatewayUnreachableException e)
        {
            return QuestionOutcome.Failure(question.Id, StatusCode.Unavailable, e.Message);
        }
    }
}
