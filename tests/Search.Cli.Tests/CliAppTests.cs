using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Search.Cli.Commands;
using Search.Contracts.V1;

namespace Search.Cli.Tests;

public sealed class CliAppTests
{
    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "--verbose", "ask", "x" }, "unknown option '--verbose'")]
    [InlineData(new[] { "--gateway" }, "'--gateway'")]
    [InlineData(new[] { "ask" }, "'ask' needs \"question\"")]
    [InlineData(new[] { "ask", "one", "two" }, "unexpected argument 'two'")]
    [InlineData(new[] { "ask", "who?", "--k", "0" }, "--k must be a whole number from 1 to 50")]
    [InlineData(new[] { "ask", "who?", "--k", "ten" }, "--k must be a whole number")]
    [InlineData(new[] { "ask", "who?", "--lang", "fr" }, "--lang must be en, zh-Hans or zh-Hant")]
    [InlineData(new[] { "ask", "who?", "--k" }, "'--k'")]
    [InlineData(new[] { "ingest" }, "'ingest' needs FILE")]
    [InlineData(new[] { "ingest", "docs.txt" }, "cannot tell the format")]
    [InlineData(new[] { "ingest", "docs.jsonl", "--format", "csv" }, "--format must be jsonl, squad or beir")]
    [InlineData(new[] { "ingest", "docs.jsonl", "--batch", "-1" }, "--batch must be")]
    [InlineData(new[] { "eval" }, "'eval' needs a dataset kind")]
    [InlineData(new[] { "eval", "trec", "--file", "x" }, "unknown evaluation 'trec'")]
    [InlineData(new[] { "eval", "squad" }, "'eval squad' needs --file")]
    [InlineData(new[] { "eval", "beir", "--corpus", "c", "--queries", "q" }, "'eval beir' needs --qrels")]
    [InlineData(new[] { "eval", "beir", "--corpus", "c", "--queries", "q", "--qrels", "r", "--k", "0" }, "--k must be a whole number from 1 to 100")]
    [InlineData(new[] { "eval", "squad", "--file", "x", "--wat" }, "unknown option '--wat' for 'eval squad'")]
    [InlineData(new[] { "eval", "squad", "--file", "x", "--abstained" }, "unknown option '--abstained'")]
    [InlineData(new[] { "--gateway", "localhost:8081", "ask", "who?" }, "must be an absolute http:// or https:// URL")]
    [InlineData(new[] { "fit-rerank", "--candidates", "20" }, "give --scifact DIR, --squad FILE or both")]
    [InlineData(new[] { "fit-rerank", "--squad", "s.json", "--l2", "-1" }, "--l2 must be a non-negative number")]
    [InlineData(new[] { "eval", "squad", "--file", "x", "--fold", "train" }, "--fold must be all, test or calibration")]
    [InlineData(new[] { "eval", "squad", "--file", "x", "--limit", "0" }, "--limit must be a whole number of at least 1")]
    [InlineData(new[] { "ask", "who?", "--k", "5", "--k", "6" }, "'--k'")]
    [InlineData(new[] { "help", "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "help", "eval", "trec" }, "unknown evaluation 'trec'")]
    [InlineData(new[] { "review" }, "'review' needs an action (export)")]
    [InlineData(new[] { "review", "export" }, "'review export' needs --out")]
    [InlineData(new[] { "review", "purge" }, "unknown review action 'purge'")]
    [InlineData(new[] { "review", "export", "--out", "reviewed.json", "--review-key", "" }, "the reviewer key is needed")]
    public async Task ArgumentErrorsExitWithTwoAndAMessage(string[] args, string message)
    {
        var (code, _, error) = await Run(args);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--help" }, "search-cli [command] [options]")]
    [InlineData(new[] { "help" }, "Exit codes: 0 done")]
    [InlineData(new[] { "help", "eval" }, "search-cli eval [command] [options]")]
    [InlineData(new[] { "help", "eval", "squad" }, "box_precision")]
    [InlineData(new[] { "help", "fit-rerank" }, "--candidates <N>")]
    [InlineData(new[] { "ingest", "--help" }, "--format <jsonl|squad|beir>")]
    [InlineData(new[] { "ask", "-h" }, "--lang")]
    [InlineData(new[] { "eval", "squad", "--help" }, "box_precision")]
    [InlineData(new[] { "eval", "beir", "-?" }, "recall@100")]
    public async Task HelpIsPrintedForEveryCommand(string[] args, string expected)
    {
        var (code, output, _) = await Run(args);

        Assert.Equal(0, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    public static TheoryData<string> CommandPaths() => [.. Commands(CliApp.CreateRootCommand()).Select(CliCommand.PathOf)];

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task HelpOptionWorksForEveryCommandAndNamesItsOptions(string path)
    {
        var words = path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var command = words.Aggregate(CliApp.CreateRootCommand(), (parent, name) => parent.Subcommands.Single(c => c.Name == name));

        var (code, output, error) = await Run([.. words, "--help"]);

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains($"search-cli {path}".TrimEnd(), output, StringComparison.Ordinal);
        Assert.Contains(command.Description!, output, StringComparison.Ordinal);
        foreach (var option in command.Options.Where(o => !o.Hidden))
        {
            Assert.Contains(option.Name, output, StringComparison.Ordinal);
        }

        foreach (var argument in command.Arguments)
        {
            Assert.Contains($"<{argument.Name}>", output, StringComparison.Ordinal);
        }

        Assert.Contains("--gateway", output, StringComparison.Ordinal);
    }

    public static TheoryData<string> TopLevelCommands() => [.. CliApp.CreateRootCommand().Subcommands.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(TopLevelCommands))]
    public async Task HelpCommandPrintsWhatHelpOptionPrints(string name)
    {
        var (helpCode, help, _) = await Run(["help", name]);
        var (optionCode, option, _) = await Run([name, "--help"]);

        Assert.Equal(0, helpCode);
        Assert.Equal(0, optionCode);
        Assert.Equal(option, help);
        Assert.Contains($"search-cli {name}", help, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsAcceptSpaceEqualsAndEndOfOptions()
    {
        var parse = CliApp.CreateRootCommand().Parse(["ask", "--k=5", "--lang", "en", "--", "--not-an-option"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(5, parse.GetValue<int>("--k"));
        Assert.Equal("en", parse.GetValue<string>("--lang"));
        Assert.Equal("--not-an-option", parse.GetValue<string>("question"));
    }

    [Fact]
    public void TheWordsAfterACommandAreWhatItRecords()
    {
        var root = CliApp.CreateRootCommand();
        var parse = root.Parse(["--gateway", "http://h:1", "train", "answer", "a.json", "--out=m.json", "--limit", "5"]);
        var train = root.Subcommands.Single(c => c.Name == "train");

        Assert.Empty(parse.Errors);
        Assert.Equal(["answer", "a.json", "--out", "m.json", "--limit", "5"], CliApp.ArgumentsAfter(parse, train));
    }

    [Fact]
    public async Task UnreachableGatewayExitsWithOneAndSaysSo()
    {
        var (code, _, error) = await Run(["--gateway", ClosedPortAddress(), "ask", "who discovered penicillin?"]);

        Assert.Equal(1, code);
        Assert.Contains("cannot reach the gateway at http://127.0.0.1:", error, StringComparison.Ordinal);
        Assert.Contains("make run", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestOfAMissingFileExitsWithOne()
    {
        var (code, _, error) = await Run(["--gateway", ClosedPortAddress(), "ingest", "/nonexistent/docs.jsonl"]);

        Assert.Equal(1, code);
        Assert.Contains("cannot read '/nonexistent/docs.jsonl'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalOfAMissingFileExitsWithOne()
    {
        var (code, _, error) = await Run(["eval", "squad", "--file", "/nonexistent/dev.json", "--gateway", ClosedPortAddress()]);

        Assert.Equal(1, code);
        Assert.Contains("cannot read '/nonexistent/dev.json'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACancelledRunExitsWith130()
    {
        var path = Path.Combine(Path.GetTempPath(), $"squad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            {"data": [{"title": "T", "paragraphs": [{"context": "Water boils at 100 degrees.",
              "qas": [{"id": "q1", "question": "When does water boil?", "answers": [{"text": "100 degrees", "answer_start": 15}]}]}]}]}
            """, TestContext.Current.CancellationToken);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            var code = await CliApp.RunAsync(["eval", "squad", "--file", path, "--gateway", ClosedPortAddress()], output, error, cancellation.Token);

            Assert.Equal(CliApp.ExitCancelled, code);
            Assert.Contains("cancelled", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task CtrlCDuringACallExitsWith130()
    {
        // A gateway that completes the HTTP/2 handshake (an empty SETTINGS frame and the ACK of the client's) and
        // never answers: the call is in flight when it is cancelled.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepting = Task.Run(async () =>
        {
            var connection = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
            byte[] settingsAndAck = [0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0];
            await connection.GetStream().WriteAsync(settingsAndAck, TestContext.Current.CancellationToken);
            return connection;
        }, TestContext.Current.CancellationToken);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CliApp.RunAsync(
            ["ask", "who?", "--gateway", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"], output, error, cancellation.Token);

        Assert.True(code == CliApp.ExitCancelled, $"exit {code}: {error}");
        Assert.Equal("cancelled", error.ToString().Trim());
        using var connection = await accepting;
    }

    [Theory]
    [InlineData("docs.jsonl", "jsonl")]
    [InlineData("docs.jsonl.gz", "jsonl")]
    [InlineData("dev-v1.1.json.gz", "squad")]
    [InlineData("DRCD_dev.json", "squad")]
    [InlineData("notes.txt", null)]
    public void IngestFormatIsGuessedFromTheFileName(string path, string? format)
    {
        Assert.Equal(format, IngestCommand.GuessFormat(path));
    }

    [Fact]
    public void AskMarksTheAnswerInsideItsSentence()
    {
        const string passage = "Super Bowl 50 was a game. The Denver Broncos won it. Then they celebrated.";
        var box = new AnswerBox
        {
            Passage = new Passage { Text = passage, Title = "Super Bowl 50", Url = "https://example.org/sb50" },
            Text = "Denver Broncos",
            AnswerStart = 30,
            AnswerEnd = 44,
            Sentence = new TextSpan { Start = 26, End = 52 },
            Kind = AnswerKind.Span,
            Confidence = 0.9,
        };

        Assert.Equal("…The [[Denver Broncos]] won it.…", AskCommand.MarkAnswer(box));

        var response = new SearchResponse { Answer = box };
        response.Results.Add(new SearchResult { DocumentId = "d", Title = "Super Bowl 50", Url = "https://example.org/sb50", Text = passage, Score = 3.5 });
        var rendered = AskCommand.Render(response);
        Assert.Contains("answer box (span, confidence 0.90)", rendered, StringComparison.Ordinal);
        Assert.Contains("source: Super Bowl 50 https://example.org/sb50", rendered, StringComparison.Ordinal);
        Assert.Contains("  1.    3.500  Super Bowl 50", rendered, StringComparison.Ordinal);
        Assert.Contains("degraded: none", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void AskKeepsResultSnippetsToOneShortLine()
    {
        var response = new SearchResponse();
        response.Results.Add(new SearchResult { DocumentId = "zh", Title = "泡泡战士", Text = string.Concat(Enumerable.Repeat("由韩国Nexon开发与发行。\n", 40)) });

        var snippet = AskCommand.Render(response).Split('\n').Single(l => l.Contains("Nexon", StringComparison.Ordinal));

        Assert.EndsWith("…", snippet, StringComparison.Ordinal);
        Assert.InRange(snippet.Length, 60, 120);
    }

    [Fact]
    public void AskSaysSoWhenThereIsNoBox()
    {
        Assert.StartsWith("no answer box", AskCommand.Render(new SearchResponse()), StringComparison.Ordinal);
    }

    [Fact]
    public void AskSaysWhyTheBestCandidateWasNotShown()
    {
        var response = new SearchResponse
        {
            AbstainedAnswer = new AnswerBox
            {
                Passage = new Passage { Text = "Opening hours are 9 am to 6 pm.", Title = "Library" },
                Text = "9 am to 6 pm",
                AnswerStart = 18,
                AnswerEnd = 30,
                Kind = AnswerKind.Span,
                Confidence = 0.8,
                AbstainReason = "the reader finds no answer in the sentence (margin -1.20 < 0.00)",
            },
        };

        var rendered = AskCommand.Render(response);

        Assert.Contains("best candidate (not shown) (span, confidence 0.80)", rendered, StringComparison.Ordinal);
        Assert.Contains("  not shown: the reader finds no answer in the sentence (margin -1.20 < 0.00)", rendered, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> Run(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    private static IEnumerable<Command> Commands(Command command) => command.Subcommands.SelectMany(Commands).Prepend(command);

    // A loopback port that was free a moment ago and has nothing listening now: connections are refused.
    private static string ClosedPortAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
