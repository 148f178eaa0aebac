using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Search.Evaluation;
using Search.Retrieval.Embeddings;

namespace Search.ReaderTraining;

/// <summary>
/// A written reader run as the answer service would run it: ONNX Runtime, one thread, no spinning, in floats or with
/// eight-bit weights (the retrieval service's <see cref="Int8Weights"/>, the same rewrite its embedder uses).
/// </summary>
public sealed class OnnxReader : IDisposable
{
    private readonly InferenceSession _session;
    private readonly WordPieces _pieces;
    private readonly TrainingSettings _settings;

    public OnnxReader(byte[] model, bool eightBit, WordPieces pieces, TrainingSettings settings)
    {
        _pieces = pieces;
        _settings = settings;
        var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _session = new InferenceSession(eightBit ? Int8Weights.Quantize(model).Model : model, options);
    }

    public ReadAnswer Read(ReaderExample example)
    {
        var windows = ReaderExamples.Windows(_pieces, example, _settings.MaxTokens, _settings.MaxQuestion, training: false);
        var (ids, types, mask, width) = ReaderExamples.Pack(windows, _pieces.Padding);
        int[] shape = [windows.Count, width];
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types, shape)),
        };
        using var results = _session.Run(inputs, [MiniLmWeights.SpanOutput]);
        var logits = results[0].AsTensor<float>().ToArray(); // [windows, width, 2]
        var best = ReadAnswer.None;
        var starts = new float[width];
        var ends = new float[width];
        for (var w = 0; w < windows.Count; w++)
        {
            for (var t = 0; t < width; t++)
            {
                starts[t] = logits[(w * width + t) * 2];
                ends[t] = logits[(w * width + t) * 2 + 1];
            }

            best = SpanDecoder.Better(best, example, windows[w], starts, ends, _settings.MaxAnswerPieces);
        }

        return best;
    }

    public void Dispose() => _session.Dispose();

    /// <summary>What a reader costs and scores on <paramref name="examples"/>.</summary>
    public sealed record Cost(string Weights, int Questions, double ExactMatch, double F1, double MedianMs, double MeanMs, double CpuMsPerQuestion);

    /// <summary>Reads every example once after a warm-up of 20: the time of each read, and the process's CPU over all of them.</summary>
    public Cost Measure(string weights, IReadOnlyList<ReaderExample> examples)
    {
        foreach (var example in examples.Take(20))
        {
            Read(example);
        }

        var times = new List<double>(examples.Count);
        var answers = new List<ReadAnswer>(examples.Count);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var example in examples)
        {
            var started = Stopwatch.GetTimestamp();
            answers.Add(Read(example));
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        times.Sort();
        return new Cost(
            weights, examples.Count,
            Math.Round(examples.Zip(answers, (e, a) => AnswerMetrics.ExactMatch(a.Text, e.Golds, chinese: false)).Average(), 4),
            Math.Round(examples.Zip(answers, (e, a) => AnswerMetrics.F1(a.Text, e.Golds, chinese: false)).Average(), 4),
            Math.Round(times[times.Count / 2], 2), Math.Round(times.Average(), 2), Math.Round(cpuMs / examples.Count, 2));
    }
}
