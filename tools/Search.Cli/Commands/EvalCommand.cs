using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Search.Cli.Evaluation;
using Search.Cli.Plotting;
using Search.Cli.Training;
using Search.Client;
using Search.Evaluation;
using Search.Evaluation.Datasets;

namespace Search.Cli.Commands;

/// <summary><c>eval squad --file FILE</c>: asks the running cluster every question and scores the answers.</summary>
public static class EvalCommand
{
    public const string Help = """
        usage: search-cli [--gateway URL] eval squad --file FILE [--limit N] [--k N] [--lang L] [--concurrency N]
                                                  [--fold all|test] [--plot FILE.png]
               search-cli [--gateway URL] eval beir --corpus FILE --queries FILE --qrels FILE [--k 10]   (see eval beir --help)

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

          --file FILE       the SQuAD-format file
          --limit N         only the first N questions
          --k N             results asked for, 1..50 (default 10)
          --lang L          language hint en, zh-Hans or zh-Hant (default: detected)
          --concurrency N   requests in flight, 1..64 (default 1)
          --fold F          all (default) or test: only the articles 'train answer' held out (index mod 4 = 3)
          --plot FILE       also draw the precision-coverage curve as a PNG, with the 0.90 target and
                            the point the service ran at
          --gateway URL     the gateway's gRPC address (default http://127.0.0.1:8081)

        Failed requests count as wrong and are listed with their status; the last line is
        em=… f1=… top1=… top5=… box_precision=… box_coverage=… p50_ms=… p99_ms=…
        """;

    private const int ProgressEvery = 50;

    /// <summary>The precision the answer service aims at by default (Answer:TargetPrecision), drawn on the plot.</summary>
    private const double TargetPrecision = 0.9;
    private const int FailuresListed = 20;

    public static async Task<int> RunAsync(string[] args, string gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var line = CommandLine.Parse("eval", args, ["--file", "--limit", "--k", "--lang", "--concurrency", "--gateway", "--corpus", "--queries", "--qrels", "--fold", "--plot"], ["--rerank"]);
        if (line.Help)
        {
            await output.WriteLineAsync(line.Positionals is ["beir", ..] ? BeirEvalCommand.Help : Help);
            return CliApp.ExitOk;
        }

        line.ExpectPositionals("a dataset kind (squad or beir)");
        if (line.Positionals[0] == "beir")
        {
            return await BeirEvalCommand.RunAsync(line, gateway, output, error, cancellationToken);
        }

        if (line.Positionals[0] != "squad")
        {
            throw new UsageException($"unknown evaluation '{line.Positionals[0]}' (available: squad, beir)", "eval");
        }

        var path = line.Required("--file");
        var limit = line.Number("--limit", int.MaxValue, 1, int.MaxValue);
        var k = line.Number("--k", 10, 1, 50);
        var concurrency = line.Number("--concurrency", 1, 1, 64);
        var language = line.Value("--lang");
        var fold = line.Value("--fold") ?? "all";
        if (fold is not ("all" or "test"))
        {
            throw new UsageException($"--fold must be all or test, got '{fold}'", "eval");
        }

        var plot = line.Value("--plot");
        if (language is not (null or "" or "en" or "zh-Hans" or "zh-Hant"))
        {
            throw new UsageException($"--lang must be en, zh-Hans or zh-Hant, got '{language}'", "eval");
        }

        using var client = CliApp.Connect(line.Value("--gateway") ?? gateway);

        if (await CliApp.ReadSquadAsync(path, error) is not { } dataset)
        {
            return CliApp.ExitFailure;
        }

        // Unanswerable questions (SQuAD 2.0 style) have nothing to score against.
        var answerable = dataset.Questions.Where(q => q.Answers.Count > 0 && (fold == "all" || AnswerFolds.Of(q) == AnswerFolds.HeldOut)).ToList();
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
            var caption = $"{Path.GetFileName(path)}, {questions.Count} QUESTIONS{(fold == "test" ? " (HELD OUT)" : "")}";
            var image = CoveragePlot.Draw(report.PrecisionCoverage(CoveragePlot.Thresholds), TargetPrecision, report.BoxPrecision, report.BoxCoverage, caption);
            await File.WriteAllBytesAsync(plot, PngEncoder.Encode(image), cancellationToken);
            await error.WriteLineAsync($"eval: wrote the precision-coverage curve to {plot}");
        }

        await output.WriteLineAsync(report.SummaryLine());
        return CliApp.ExitOk;
    }

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
