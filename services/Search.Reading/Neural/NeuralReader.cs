using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Search.Text;

namespace Search.Reading.Neural;

/// <summary>
/// How a reader cuts its input, as trained: stored in the model file. <paramref name="MarksMatches"/>: the context's
/// pieces that the question holds too get token type 2 (<see cref="ReaderWindows"/>), a third row of the type table.
/// </summary>
public sealed record ReaderShape(int MaxTokens = 64, int MaxQuestion = 24, int MaxAnswerPieces = 30, bool MarksMatches = false);

/// <summary>
/// The fine-tuned span reader (all-MiniLM-L6-v2 with a start/end head, trained by <c>search-reader-train</c>) run by
/// ONNX Runtime: the question and a context go in as <c>[CLS] question [SEP] context [SEP]</c> windows, start and end
/// scores come out per word piece, and the best span of at most <see cref="ReaderShape.MaxAnswerPieces"/> pieces is
/// the answer. The model file carries its vocabulary and shape in its metadata, so file and code cannot disagree.
/// </summary>
public sealed class NeuralReader : IDisposable
{
    /// <summary>The output of a reader: [windows, sequence, 2], start and end scores.</summary>
    public const string SpanOutput = "span_logits";

    public const string VocabularyKey = "search.vocabulary";
    public const string MaxTokensKey = "search.max_tokens";
    public const string MaxQuestionKey = "search.max_question";
    public const string MaxAnswerPiecesKey = "search.max_answer_pieces";
    public const string VersionKey = "search.version";
    public const string LanguagesKey = "search.languages";
    public const string MarksMatchesKey = "search.marks_matches";

    /// <summary>The reader shipped with the library, relative to the application's folder.</summary>
    public const string ShippedPath = "Models/reader.onnx";

    // Disposal waits for the reads in progress: a read on a disposed session is a native crash.
    private readonly SharedDisposable<InferenceSession> _session;

    /// <param name="model">a reader model file's bytes, with its metadata</param>
    /// <param name="threads">ONNX Runtime's threads for one read; 1 in a service, where requests are the parallelism</param>
    /// <param name="readTokens">word pieces per window when reading, instead of the width it was trained on: a wider
    /// window reads a long sentence in fewer overlapping windows (docs/quality.md, "What a read costs")</param>
    public NeuralReader(byte[] model, int threads = 1, int? readTokens = null)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // A spinning thread burns a core waiting for work that, one request at a time, rarely comes.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        var session = new InferenceSession(model, options);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        if (!metadata.TryGetValue(VocabularyKey, out var vocabulary))
        {
            session.Dispose();
            throw new InvalidDataException($"the model has no {VocabularyKey} metadata: it was not written by search-reader-train");
        }

        Pieces = new WordPieces(vocabulary.Split('\n'));
        Shape = new ReaderShape(Number(metadata, MaxTokensKey, 64), Number(metadata, MaxQuestionKey, 24), Number(metadata, MaxAnswerPiecesKey, 30),
            metadata.GetValueOrDefault(MarksMatchesKey) == "true");
        ReadTokens = readTokens ?? Shape.MaxTokens;
        Version = metadata.GetValueOrDefault(VersionKey, "unversioned");
        Languages = metadata.GetValueOrDefault(LanguagesKey, "en").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        _session = new SharedDisposable<InferenceSession>(session);
    }

    public WordPieces Pieces { get; }

    public ReaderShape Shape { get; }

    /// <summary>Word pieces per window when reading (question and context): the trained width unless set otherwise.</summary>
    public int ReadTokens { get; }

    /// <summary>The model's version, as its training run recorded it.</summary>
    public string Version { get; }

    /// <summary>The languages it was trained to read ("en"; "zh" when its vocabulary was grown with Chinese characters).</summary>
    public IReadOnlyList<string> Languages { get; }

    public bool ReadsChinese => Languages.Contains("zh");

    /// <summary>
    /// <see cref="Load"/>, for the questions of <paramref name="language"/> ("en" or "zh") alone: an error, with the
    /// languages it reads, when the reader was not trained on that language.
    /// </summary>
    public static NeuralReader LoadFor(string language, string path, int? readTokens = null)
    {
        if (language is not ("en" or "zh"))
        {
            throw new InvalidDataException($"Answer:NeuralReaderPaths:{language}: the language must be en or zh");
        }

        var reader = Load(path, readTokens);
        if (!reader.Languages.Contains(language))
        {
            reader.Dispose();
            throw new InvalidDataException(
                $"Answer:NeuralReaderPaths:{language}: the span reader {path} reads {string.Join(", ", reader.Languages)}, not {language}");
        }

        return reader;
    }

    /// <summary>
    /// The reader in <paramref name="path"/>; a relative path is taken from the application's folder. It reads in windows
    /// of <paramref name="readTokens"/> word pieces, or of the width it was trained on.
    /// </summary>
    public static NeuralReader Load(string path, int? readTokens = null)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException(
                $"The span reader {full} does not exist. Set Answer:NeuralReaderPath to a file written by search-reader-train, "
                + "or Answer:NeuralReader to false to answer with the feature ranker alone.", full);
        }

        try
        {
            return new NeuralReader(File.ReadAllBytes(full), readTokens: readTokens is > 0 ? readTokens : null);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"The span reader {full} is not a model ONNX Runtime can load: {e.Message}", e);
        }
    }

    /// <summary>The best span of <paramref name="context"/> for <paramref name="question"/>; <see cref="ReadAnswer.None"/> when the context is empty.</summary>
    public ReadAnswer Read(string question, string context) => Read(new ReaderExample("", question, context, [], null));

    public ReadAnswer Read(ReaderExample example) =>
        example.Context.Length == 0 ? ReadAnswer.None : _session.Use(session => Read(session, example));

    private ReadAnswer Read(InferenceSession session, ReaderExample example)
    {
        var windows = ReaderWindows.Windows(Pieces, example, ReadTokens, Shape.MaxQuestion, training: false, Shape.MarksMatches);
        var (ids, types, mask, width) = ReaderWindows.Pack(windows, Pieces.Padding);
        int[] shape = [windows.Count, width];
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types, shape)),
        };
        using var results = session.Run(inputs, [SpanOutput]);
        var logits = results[0].AsTensor<float>() as DenseTensor<float> ?? throw new InvalidDataException($"{SpanOutput} is not a dense tensor");
        var values = logits.Buffer.Span; // [windows, width, 2]
        var best = ReadAnswer.None;
        var starts = new float[width];
        var ends = new float[width];
        for (var w = 0; w < windows.Count; w++)
        {
            for (var t = 0; t < width; t++)
            {
                starts[t] = values[(w * width + t) * 2];
                ends[t] = values[(w * width + t) * 2 + 1];
            }

            best = SpanDecoder.Better(best, example, windows[w], starts, ends, Shape.MaxAnswerPieces);
        }

        return best;
    }

    public void Dispose() => _session.Dispose();

    private static int Number(Dictionary<string, string> metadata, string key, int fallback) =>
        metadata.TryGetValue(key, out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : fallback;
}
