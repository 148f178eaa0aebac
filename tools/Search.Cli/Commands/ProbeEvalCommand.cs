using System.CommandLine;
using Grpc.Core;
using Search.Cli.Evaluation;
using Search.Client;
using Search.Evaluation;
using Search.Evaluation.Datasets;

namespace Search.Cli.Commands;

/// <summary><c>eval probe --file FILE</c>: asks the team's probe set (fresh short documents, unanswerable questions) and grades the boxes.</summary>
public static class ProbeEvalCommand
{
    private const string Details = """
        Asks the running gateway every question of a probe file (SQuAD 2.0 style: questions marked
        "is_impossible": true have no answer in the documents; tools/probe/README.md) with include_abstained.
        Nothing is ingested: run 'ingest FILE --format squad' first. The language of a question is its
        document's "lang".

          precision            shown boxes that are right, over every box shown (a box on an unanswerable
                               question counts as wrong); right = the highlight holds a gold answer and the
                               passage comes from the question's own document
          coverage             answerable questions that got a box, right or wrong
          right                answerable questions that got a right box
          boxes/unanswerable   boxes shown on questions the documents do not answer (ideally 0)

        Then the wrong boxes and the missed questions, one per line, and the same figures at other
        confidence thresholds. The last lines are machine-readable, one per language and 'lang=all' last:
        lang=… box_precision=… box_coverage=… right_coverage=… wrong_boxes=… unanswerable_boxes=N/M failed=…
        """;

    public static Command Create(Option<string> gateway)
    {
        var file = new Option<string>("--file") { Description = "the probe file, e.g. tools/probe/probe.json (required)", HelpName = "FILE" };
        var half = CliSyntax.Choice("--half", "all, fit (documents with an even index) or held-out (odd index)", [ProbeSet.All, ProbeSet.Fit, ProbeSet.HeldOut], defaultValue: ProbeSet.All);
        var k = CliSyntax.Number("--k", "results asked for, 1..50", 10, 1, 50);
        var concurrency = CliSyntax.Number("--concurrency", "requests in flight, 1..64", 1, 1, 64);
        var command = new CliCommand("probe", "Measures box precision, coverage and boxes on unanswerable questions per language on a probe file.", Details)
        {
            file, half, k, concurrency,
        };
        CliSyntax.Require(command, file);
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(file)!, parse.GetValue(half)!, parse.GetValue(k), parse.GetValue(concurrency), parse.GetValue(gateway)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string path, string half, int k, int concurrency, string gateway, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await CliApp.ReadSquadAsync(path, error) is not { } dataset)
        {
            return CliApp.ExitFailure;
        }

        using var client = CliApp.Connect(gateway);
        var languages = dataset.Documents.ToDictionary(d => d.Id, d => d.Lang.Length > 0 ? d.Lang : "?");
        var questions = dataset.Questions.Where(q => ProbeSet.Contains(half, q)).ToList();
        var documents = questions.Select(q => q.DocumentId).Distinct().Count();
        await error.WriteLineAsync($"eval probe: {questions.Count} questions over {documents} documents from {path} (half: {half})");

        var outcomes = new ProbeOutcome[questions.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, questions.Count), parallel, async (index, ct) =>
        {
            var question = questions[index];
            var language = languages.GetValueOrDefault(question.DocumentId, "?");
            try
            {
                var response = await client.SearchAsync(question.Question, null, k, includeAbstained: true, ct);
                outcomes[index] = ProbeGrader.Grade(question, language, response);
            }
            catch (RpcException e)
            {
                outcomes[index] = ProbeOutcome.Failure(question, language, e.StatusCode, e.Status.Detail);
            }
            catch (GatewayUnreachableException e)
            {
                outcomes[index] = ProbeOutcome.Failure(question, language, StatusCode.Unavailable, e.Message);
            }
        });

        var report = new ProbeReport(outcomes);
        await output.WriteAsync(report.Table());
        await output.WriteAsync(report.Cases());
        await output.WriteAsync(report.CurveTable());
        await output.WriteAsync(report.SummaryLines());
        return CliApp.ExitOk;
    }
}
