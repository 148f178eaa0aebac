using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.ReaderTraining;
using Search.Reading.Neural;
using Search.Text;
using TorchSharp;

const string Usage = """
    search-reader-train: fine-tunes all-MiniLM-L6-v2 into a span reader on SQuAD-shaped data and writes it as ONNX.

      search-reader-train --data <file.json[.gz]> --out <folder> [options]

    --data FILE[,FILE]   SQuAD-shaped questions (e.g. ../shared/data/squad-v1.1-dev/dev-v1.1-half.json.gz); several
                         files are learned together, each with its own held-out fold
    --extend-vocabulary N  add the Chinese characters the vocabulary lacks that the training data holds N times or
                         more, as new word pieces whose embeddings learn; the model then reads Chinese too
    --new-rows-noise S   the added pieces start as [UNK]'s row plus noise of deviation S (default 0.02); the log
                         gives the packaged rows' own deviation
    --out FOLDER         where reader.onnx (eight-bit, what the answer service ships), reader-float.onnx,
                         reader.json (the record of the run) and curve.jsonl go
    --train-folds 0,1,2  article folds to learn from (AnswerFolds: 3 is held out and never trained on)
    --scope sentence     sentence: the answer's sentence; paragraph: the whole paragraph
    --negatives N        also N other sentences of each question's paragraph that do not hold its answer, labelled
                         "no answer" at [CLS] (sentence scope): the reader learns to say a sentence does not answer;
                         with it, every sentence of a question marked is_impossible (SQuAD 2.0) is such an example too
    --negatives-languages en,zh  only for questions in these languages (default: both)
    --max-tokens 64      word pieces per window (question and context)
    --epochs 2  --batch 16  --lr 1e-4  --seed 13  --threads <cores>
    --minutes M          stop after M minutes of training (the schedule is still the full run's)
    --eval-every N       held-out EM and F1 every N training windows (a learning curve); 0: at the start and end
    --eval-questions N   held-out questions in each point of the curve (default: all of fold 3)
    --limit N            train on the first N questions of each file only (a shorter curve)
    --layers N           keep only the first N of the 6 layers (a read costs about N/6 of the full model's)
    --pretrain-rows E    before fine-tuning, E epochs of masked-word prediction over the training folds' Chinese
                         paragraphs teach the added pieces (the encoder as packaged unless --pretrain-encoder, which
                         lets it learn too at --lr); needs --extend-vocabulary
    --mark-matches       context pieces the question holds too get a token type of their own (a third row of the
                         type table, learned): the reader is told where the question's words recur
    --freeze-words       keep the packaged word-piece table (47 MB of floats) as it is: half the weights, twice the speed
    --no-measure         skip the last step: both written models run as the answer service runs them (ONNX Runtime,
                         one thread) on the held-out questions, their EM, F1 and milliseconds per question

      search-reader-train --measure <reader.onnx> --data <file> [--scope, --eval-questions as above] [--read-tokens N]

    runs only that last step on a reader written before; --read-tokens N reads in windows of N word pieces instead of
    the width it was trained on; --predictions FILE also writes each question's answer, golds, EM and F1 (JSON lines,
    for reading the errors).
    """;

try
{
    var options = ParseArguments(args);
    if (options.ContainsKey("help") || !options.ContainsKey("data") || !(options.ContainsKey("out") || options.ContainsKey("measure")))
    {
        Console.Error.WriteLine(Usage);
        return options.ContainsKey("help") ? 0 : 2;
    }

    TorchNative.Prepare();
    if (!TorchNative.CanLoad())
    {
        Console.Error.WriteLine("error: libLibTorchSharp.so does not load here (see TorchNative.cs); rebuild with dotnet build and try again");
        return 1;
    }

    var threads = Int(options, "threads", Environment.ProcessorCount);
    torch.set_num_threads(threads);
    torch.manual_seed(Int(options, "seed", 13));
    var settings = new TrainingSettings
    {
        MaxTokens = Int(options, "max-tokens", 64),
        BatchSize = Int(options, "batch", 16),
        LearningRate = double.Parse(options.GetValueOrDefault("lr", "1e-4"), CultureInfo.InvariantCulture),
        Epochs = Int(options, "epochs", TrainingSettings.DefaultEpochs),
        Seed = Int(options, "seed", 13),
        TimeLimit = options.TryGetValue("minutes", out var minutes) ? TimeSpan.FromMinutes(double.Parse(minutes, CultureInfo.InvariantCulture)) : null,
        EvaluateEvery = Int(options, "eval-every", 0),
        MarksMatches = options.ContainsKey("mark-matches"),
    };
    var scope = options.GetValueOrDefault("scope", "sentence") switch
    {
        "sentence" => ReaderExamples.Scope.Sentence,
        "paragraph" => ReaderExamples.Scope.Paragraph,
        var other => throw new ArgumentException($"--scope: sentence or paragraph, not {other}"),
    };
    var folds = options.GetValueOrDefault("train-folds", "0,1,2").Split(',').Select(f => int.Parse(f, CultureInfo.InvariantCulture)).ToHashSet();
    if (folds.Contains(AnswerFolds.HeldOut))
    {
        throw new ArgumentException($"--train-folds: fold {AnswerFolds.HeldOut} is the held-out fold");
    }

    // Each file's training folds and its held-out fold (the folds are by article within a file).
    var files = options["data"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    var training = new List<ReaderExample>();
    var passages = new List<string>();
    var heldOutByFile = new List<(string File, List<ReaderExample> Examples)>();
    var negatives = Int(options, "negatives", 0);
    var negativeLanguages = options.TryGetValue("negatives-languages", out var listed) ? listed.Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) : null;
    foreach (var file in files)
    {
        var data = SquadReader.ReadFile(file);
        var learn = ReaderExamples.FromSquad(data, folds, scope);
        training.AddRange(options.TryGetValue("limit", out var limit) ? learn.Take(int.Parse(limit, CultureInfo.InvariantCulture)) : learn);
        if (negatives > 0)
        {
            training.AddRange(ReaderExamples.Negatives(data, folds, negatives, settings.Seed, negativeLanguages));
            training.AddRange(ReaderExamples.Unanswerable(data, folds, negativeLanguages));
        }

        if (options.ContainsKey("pretrain-rows"))
        {
            passages.AddRange(ReaderExamples.Passages(data, folds).Where(p => p.Any(ChineseScript.IsHan)));
        }

        var kept = ReaderExamples.FromSquad(data, new HashSet<int> { AnswerFolds.HeldOut }, scope);
        heldOutByFile.Add((Path.GetFileName(file), options.TryGetValue("eval-questions", out var evalQuestions) ? kept.Take(int.Parse(evalQuestions, CultureInfo.InvariantCulture)).ToList() : kept));
    }

    var heldOut = heldOutByFile.SelectMany(f => f.Examples).ToList();
    if (options.TryGetValue("measure", out var written))
    {
        var bytes = await File.ReadAllBytesAsync(written);
        var readTokens = options.ContainsKey("read-tokens") ? Int(options, "read-tokens", 0) : (int?)null;
        var predictions = new List<ReaderCost.Prediction>();
        foreach (var (file, examples) in heldOutByFile)
        {
            var name = $"{Path.GetFileName(written)} on {file}" + (readTokens is { } n ? $" in windows of {n}" : "");
            var cost = Measure(name, bytes, examples, readTokens);
            predictions.AddRange(cost.Predictions);
            Console.WriteLine(JsonSerializer.Serialize(cost));
        }

        if (options.TryGetValue("predictions", out var predictionsPath))
        {
            var unescaped = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            await File.WriteAllLinesAsync(predictionsPath, predictions.Select(p => JsonSerializer.Serialize(p, unescaped)));
            Console.Error.WriteLine($"wrote {predictions.Count} answers to {predictionsPath}");
        }

        return 0;
    }

    // Chinese characters the vocabulary lacks, seen at least N times in the training questions and texts, become word
    // pieces of their own (new embedding rows that learn); the model then reads Chinese too.
    var pieces = MiniLmWeights.ReadVocabulary();
    var added = 0;
    if (options.TryGetValue("extend-vocabulary", out var minimum))
    {
        var missing = ReaderExamples.MissingCharacters(pieces, training.Select(e => e.Question + e.Context), int.Parse(minimum, CultureInfo.InvariantCulture));
        pieces = new WordPieces([.. pieces.Vocabulary, .. missing]);
        added = missing.Count;
        Console.Error.WriteLine($"vocabulary: {added} Chinese characters added (seen at least {minimum} times in training), {pieces.Vocabulary.Count} pieces");
    }

    var newRowsNoise = double.Parse(options.GetValueOrDefault("new-rows-noise", ReaderModel.DefaultNewRowsNoise.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    var output = Directory.CreateDirectory(options["out"]).FullName;
    var weights = MiniLmWeights.ReadPackaged();
    var frozen = options.ContainsKey("freeze-words") ? new HashSet<string> { ReaderModel.WordEmbeddings } : [];
    var layers = Int(options, "layers", ReaderModel.Layers); // the model refuses a count outside 1-6
    if (added > 0)
    {
        var table = weights.Read(ReaderModel.WordEmbeddings);
        var mean = table.Average();
        Console.Error.WriteLine($"packaged word rows: deviation {Math.Sqrt(table.Average(v => (v - mean) * (v - mean))):F4}; new rows start with noise {newRowsNoise}");
    }

    using var model = new ReaderModel(weights, settings.Seed, frozen: frozen, newRows: added, unknown: pieces.Unknown, layers: layers, newRowsNoise: newRowsNoise, marksMatches: settings.MarksMatches);
    var clock = Stopwatch.StartNew();
    var trainer = new ReaderTrainer(model, pieces, settings, line => Console.Error.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {line}"));
    if (options.ContainsKey("pretrain-rows"))
    {
        var pretrainer = new RowPretrainer(model, pieces, settings.MaxTokens, settings.BatchSize, settings.LearningRate * settings.NewRowsRateScale,
            options.ContainsKey("pretrain-encoder") ? settings.LearningRate : 0, settings.Seed,
            line => Console.Error.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {line}"));
        pretrainer.Train(passages, Int(options, "pretrain-rows", 1));
    }

    Console.Error.WriteLine($"training on {training.Count} questions of folds {string.Join(",", folds)}, held out {heldOut.Count}; {threads} threads");
    trainer.Train(training, heldOut);

    string[] languages = added > 0 ? ["en", "zh"] : ["en"];
    var version = ReaderVersion.Of(DateTime.UtcNow, scope.ToString(), settings.MaxTokens, layers, languages, negatives, folds, settings.Seed, settings.Epochs, settings.MarksMatches);
    var reader = weights.WriteReader(model.EncoderWeights(), model.HeadWeights().Head, model.HeadWeights().Bias, pieces, settings.Shape, version, languages, layers);
    var shipped = weights.Shippable(reader);
    await File.WriteAllBytesAsync(Path.Combine(output, "reader-float.onnx"), reader);
    await File.WriteAllBytesAsync(Path.Combine(output, "reader.onnx"), shipped);

    await File.WriteAllLinesAsync(Path.Combine(output, "curve.jsonl"), trainer.Curve.Select(p => JsonSerializer.Serialize(p)));
    var costs = options.ContainsKey("no-measure")
        ? []
        : heldOutByFile.SelectMany(f => new[] { Measure($"reader-float.onnx on {f.File}", reader, f.Examples), Measure($"reader.onnx on {f.File}", shipped, f.Examples) }).ToList();
    var record = new
    {
        command = "search-reader-train " + string.Join(' ', args),
        data = files.Select(Path.GetFileName).ToArray(),
        train_folds = folds.Order().ToArray(),
        training_questions = training.Count,
        held_out_questions = heldOut.Count,
        settings,
        layers,
        seconds = Math.Round(clock.Elapsed.TotalSeconds),
        held_out = trainer.Curve[^1],
        onnx_runtime = costs,
        version,
        frozen = frozen.Order().ToArray(),
        languages,
        added_pieces = added,
        float_bytes = reader.Length,
        shipped_bytes = shipped.Length,
    };
    await File.WriteAllTextAsync(Path.Combine(output, "reader.json"), JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true }));
    Console.Error.WriteLine($"wrote {output}/reader.onnx ({shipped.Length / 1e6:F1} MB), reader-float.onnx ({reader.Length / 1e6:F1} MB), reader.json, curve.jsonl");
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"unexpected argument {args[i]}");
        }

        var name = args[i][2..];
        options[name] = name is "help" or "no-measure" or "freeze-words" or "pretrain-encoder" or "mark-matches" ? "" : i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--{name} needs a value");
    }

    return options;
}

static ReaderCost.Cost Measure(string name, byte[] model, IReadOnlyList<ReaderExample> heldOut, int? readTokens = null)
{
    var cost = ReaderCost.Measure(name, model, heldOut, readTokens);
    Console.Error.WriteLine($"{name} by ONNX Runtime, one thread: EM {cost.ExactMatch:P1}, F1 {cost.F1:P1}; "
        + $"{cost.MedianMs} ms per question at the median, {cost.CpuMsPerQuestion} ms of CPU on average, over {cost.Questions} questions");
    return cost;
}

static int Int(Dictionary<string, string> options, string name, int fallback) =>
    options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
