using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Search.Cli.Training;
using Search.Client;
using Search.Contracts.V1;
using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.Reading.Neural;

namespace Search.Cli.Commands;

/// <summary>
/// <c>train answer FILE... --out MODEL</c>: asks the running cluster every question of SQuAD-format files,
/// keeps the passages it ranked, and fits the answer model on them (see <see cref="AnswerTrainer"/>).
/// </summary>
public static class TrainCommand
{
    private const string Details = """
        Fits the answer service's model on SQuAD-format files (plain or gzip): a span ranker, a confidence model,
        its isotonic calibration and the precision-coverage curve the service turns a target precision into a
        threshold with. Ingest the files first: every question is asked through the running gateway, so the
        model learns from the passages retrieval and rerank really return.

        Questions are split by article (article index mod 4, within each file):
          0, 1  fit the span ranker and the confidence model (cross-fitted: each fold's confidence rows
                get ranker scores from a ranker fitted on the other fold)
          2     fits the calibration and measures the curve
          3     is held out: the figures printed for it were never trained on
        'eval squad --fold test' asks only the held-out fold ('--fold calibration' only fold 2).
        Files given with --fit-only only teach: their articles go to folds 0 and 1 (index mod 2), so they
        move neither the calibration, nor the threshold a target precision gives, nor the held-out figures.

        With the neural span reader (the shipped one unless --reader or --no-reader says otherwise), a fifth
        step fits the confidence that reads it: the reader reads the sentence of the box the feature model
        chose, and trees on folds 0-2 learn whether its span, and the sentence whole, are right from its
        probabilities, its no-answer margin, its agreement with the ranker's span and options, and the
        feature confidences; calibration and curve per language (en, zh) on each fold's scores by trees
        fitted on the other two, so one target precision sets a threshold for each. The model then belongs
        to that reader: the service uses it only with a reader of the same version. That reader learned
        folds 0-2, so it reads them surer than it reads new text; --fold-readers gives three readers that
        each never saw fold 0, 1 or 2 (search-reader-train --train-folds 1,2 / 0,2 / 0,1), and each fold
        is read by its own for the trees and the calibration. The held-out fold and the
        service use the main reader.

        Questions marked "is_impossible" (SQuAD 2.0, as 'review export' writes blocked queries) teach the
        confidence model that nothing read for them is an answer: every option is a wrong example, and a
        box shown for one counts as a wrong box in the calibration and the figures. Other questions
        without an answer are skipped.
        """;

    private const int ProgressEvery = 500;
    private const int PassagesAsked = 10;

    /// <summary>The <c>train</c> group; <c>train answer</c> is its one model.</summary>
    public static Command Create(Option<string> gateway)
    {
        var train = new CommandGroup("train", "Trains a model on what the running cluster returns.", missing: "a model kind", kind: "model");
        train.Subcommands.Add(CreateAnswer(gateway, train));
        return train;
    }

    private static Command CreateAnswer(Option<string> gateway, Command train)
    {
        var files = new Argument<string[]>("FILE") { Description = "SQuAD-format files", Arity = ArgumentArity.OneOrMore };
        var outPath = new Option<string>("--out") { Description = "where to write the model (JSON), e.g. services/Search.Reading/Models/answer-model.json (required)", HelpName = "MODEL" };
        var cache = new Option<string>("--cache") { Description = "keep the gateway's responses here (one JSONL per file) and reuse them when present", HelpName = "DIR" };
        var limit = CliSyntax.Limit("--limit", "only the first N questions of each file");
        var concurrency = CliSyntax.Number("--concurrency", "requests in flight while asking, 1..64", 4, 1, 64);
        var mistakes = new Option<string>("--mistakes")
        {
            Description = "write the held-out questions whose best span is not exactly right (TSV), for error analysis",
            HelpName = "FILE",
        };
        var reader = new Option<string>("--reader")
        {
            Description = "the neural span reader whose span the reader confidence learns to judge (default: the one shipped, Models/reader.onnx)",
            HelpName = "MODEL",
        };
        var noReader = new Option<bool>("--no-reader") { Description = "fit the feature model alone, without a reader confidence" };
        var foldReaders = new Option<string>("--fold-readers")
        {
            Description = "three readers that never learned folds 0, 1 and 2, in that order (comma-separated): each reads its fold for the reader confidence, so that its trees and calibration learn from spans read as unseen text",
            HelpName = "R0,R1,R2",
        };
        var fitOnly = new Option<string[]>("--fit-only")
        {
            Description = "SQuAD-format files whose questions only teach (folds 0 and 1 by article index mod 2): never calibration, curve or held-out figures; repeatable",
            HelpName = "FILE",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new CliCommand("answer", "Fits the answer model (span choice, calibrated confidence) on SQuAD-format files.", Details)
        {
            files, outPath, cache, limit, concurrency, mistakes, reader, noReader, foldReaders, fitOnly,
        };
        CliSyntax.Require(command, files, "at least one SQuAD-format file");
        CliSyntax.Require(command, outPath);
        command.SetAction((parse, cancellationToken) => RunAsync(
            new TrainRun(parse.GetValue(files)!, parse.GetValue(fitOnly) ?? [], parse.GetValue(outPath)!, parse.GetValue(cache), parse.GetValue(limit) ?? int.MaxValue, parse.GetValue(concurrency), parse.GetValue(mistakes),
                parse.GetValue(noReader) ? null : parse.GetValue(reader) ?? NeuralReader.ShippedPath, parse.GetValue(foldReaders)),
            CliApp.ArgumentsAfter(parse, train).ToList(),
            parse.GetValue(gateway)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    /// <summary>Whether a question enters training: it has a gold answer, or it is marked as one the documents do not answer.</summary>
    internal static bool Teaches(SquadQuestion question) => question.Answers.Count > 0 || question.Impossible;

    private sealed record TrainRun(string[] Files, string[] FitOnly, string OutPath, string? Cache, int Limit, int Concurrency, string? Mistakes, string? Reader, string? FoldReaders);

    /// <param name="args">the words after 'train', recorded in the model file</param>
    private static async Task<int> RunAsync(TrainRun run, List<string> args, string address, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (files, fitOnly, outPath, cache, limit, concurrency, mistakes, readerPath, foldReaderPaths) = run;
        var foldPaths = foldReaderPaths?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (foldReaderPaths is not null && (readerPath is null || foldPaths.Length != AnswerFolds.HeldOut))
        {
            await error.WriteLineAsync(readerPath is null
                ? "train: --fold-readers needs a reader (not --no-reader)"
                : $"train: --fold-readers takes {AnswerFolds.HeldOut} readers, one per fold 0, 1 and 2; got {foldPaths.Length}");
            return CliApp.ExitUsage;
        }

        // Every reader loaded is disposed when the command ends, however it ends.
        NeuralReader? reader = null;
        var foldReaders = new List<NeuralReader>();
        using var loaded = new Owned(() => foldReaders.Prepend(reader).OfType<NeuralReader>());
        try
        {
            reader = readerPath is null ? null : NeuralReader.Load(readerPath);
            foreach (var path in foldPaths)
            {
                foldReaders.Add(NeuralReader.Load(path));
            }
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            await error.WriteLineAsync($"train: {e.Message} (--no-reader fits without one)");
            return CliApp.ExitFailure;
        }

        var examples = new List<TrainingQuestion>();
        foreach (var file in files.Concat(fitOnly))
        {
            if (await CliApp.ReadSquadAsync(file, error) is not { } dataset)
            {
                return CliApp.ExitFailure;
            }

            var questions = dataset.Questions.Where(Teaches).Take(limit).ToList();
            var responses = await ResponsesAsync(file, questions, address, cache, concurrency, error, cancellationToken);
            for (var i = 0; i < questions.Count; i++)
            {
                if (responses[i] is { } response)
                {
                    examples.Add(new TrainingQuestion(Path.GetFileName(file), questions[i], response, FitOnly: fitOnly.Contains(file)));
                }
            }
        }

        var clock = Stopwatch.StartNew();
        var trainer = new AnswerTrainer(output, mistakes, reader, foldReaders.Count == 0 ? null : foldReaders);
        // Paths are recorded relative to where the command ran (the repository root), not this machine's layout.
        string Relative(string arg) => File.Exists(arg) ? Path.GetRelativePath(Directory.GetCurrentDirectory(), arg) : arg;
        var model = trainer.Fit(examples, new TrainingRecord(files.Concat(fitOnly).Select(Relative).ToList(), args.Select(Relative).ToList(), DateTime.UtcNow));
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        model.Save(outPath);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wrote {outPath} ({new FileInfo(outPath).Length / 1024} KiB) in {clock.Elapsed.TotalSeconds:F0} s of fitting"));
        return CliApp.ExitOk;
    }

    /// <summary>Disposes, when disposed, what <paramref name="items"/> lists at that moment.</summary>
    private sealed class Owned(Func<IEnumerable<IDisposable>> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items())
            {
                item.Dispose();
            }
        }
    }

    /// <summary>The gateway's response to each question (null where the request failed), from the cache when it has them all.</summary>
    private static async Task<SearchResponse?[]> ResponsesAsync(
        string file, List<SquadQuestion> questions, string address, string? cache, int concurrency, TextWriter error, CancellationToken cancellationToken)
    {
        var cachePath = cache is null ? null : Path.Combine(cache, Path.GetFileName(file) + ".responses.jsonl");
        if (cachePath is not null && File.Exists(cachePath))
        {
            var cached = ReadCache(cachePath);
            if (questions.All(q => cached.ContainsKey(q.Id)))
            {
                await error.WriteLineAsync($"train: {questions.Count} responses for {file} from {cachePath}");
                return questions.Select(q => cached[q.Id]).ToArray();
            }
        }

        using var client = CliApp.Connect(address);
        var responses = new SearchResponse?[questions.Count];
        var done = 0;
        var failed = 0;
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
        await error.WriteLineAsync($"train: asking {questions.Count} questions of {file} at {address}");
        await Parallel.ForEachAsync(Enumerable.Range(0, questions.Count), parallel, async (i, ct) =>
        {
            try
            {
                responses[i] = await client.SearchAsync(questions[i].Question, null, PassagesAsked, includeAbstained: true, ct);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref failed);
            }

            var count = Interlocked.Increment(ref done);
            if (count % ProgressEvery == 0 || count == questions.Count)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"train: {count}/{questions.Count} asked ({count / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F1} q/s, {failed} failed)"));
            }
        });

        if (cachePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(cachePath))!);
            await using var writer = new StreamWriter(cachePath);
            for (var i = 0; i < questions.Count; i++)
            {
                if (responses[i] is { } response)
                {
                    var entry = new JsonObject
                    {
                        ["id"] = questions[i].Id,
                        ["response"] = JsonNode.Parse(JsonFormatter.Default.Format(response)),
                    };
                    await writer.WriteLineAsync(entry.ToJsonString());
                }
            }
        }

        return responses;
    }

    private static Dictionary<string, SearchResponse> ReadCache(string path)
    {
        var responses = new Dictionary<string, SearchResponse>(StringComparer.Ordinal);
        foreach (var (_, line) in DatasetFile.NonBlankLines(path))
        {
            var entry = JsonNode.Parse(line)!.AsObject();
            var id = entry["id"]!.GetValue<string>();
            responses[id] = JsonParser.Default.Parse<SearchResponse>(entry["response"]!.ToJsonString());
        }

        return responses;
    }
}

/// <summary>A question with its gold answers and the gateway's response to it.</summary>
/// <param name="FitOnly">from a file that only teaches: its articles go to the two training folds (article index mod 2)</param>
public sealed record TrainingQuestion(string File, SquadQuestion Question, SearchResponse Response, bool FitOnly = false)
{
    public int Fold => FitOnly ? Question.Article % 2 : AnswerFolds.Of(Question);
}

/// <summary>What the model was fitted on, written into the model file.</summary>
public sealed record TrainingRecord(IReadOnlyList<string> Files, IReadOnlyList<string> Arguments, DateTime At);
