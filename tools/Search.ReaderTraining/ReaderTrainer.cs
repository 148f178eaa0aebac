using System.Diagnostics;
using Search.Evaluation;
using Search.Reading.Neural;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Search.ReaderTraining;

/// <summary>How a fine-tuning run goes.</summary>
public sealed record TrainingSettings
{
    public int MaxTokens { get; init; } = 64;
    public int MaxQuestion { get; init; } = 24;
    public int MaxAnswerPieces { get; init; } = 30;
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 1e-4;
    public double WarmUp { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.01;
    public const int DefaultEpochs = 2;

    public int Epochs { get; init; } = DefaultEpochs;
    public int Seed { get; init; } = 13;

    /// <summary>Stop early after this long (the schedule still runs as if for every epoch).</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Evaluate on the held-out sample every this many training examples (0: at the end only).</summary>
    public int EvaluateEvery { get; init; }

    /// <summary>The learning rate of new word rows (fresh embeddings), as a multiple of <see cref="LearningRate"/>.</summary>
    public double NewRowsRateScale { get; init; } = 10;

    /// <summary>Context pieces the question holds too get a token type of their own (<see cref="ReaderWindows"/>).</summary>
    public bool MarksMatches { get; init; }

    /// <summary>How the reader cuts its input, written into the model for the service.</summary>
    public ReaderShape Shape => new(MaxTokens, MaxQuestion, MaxAnswerPieces, MarksMatches);
}

/// <summary>One point of a learning curve.</summary>
public sealed record CurvePoint(int Examples, double Seconds, double ExactMatch, double F1, int Questions, double? Loss);

/// <summary>Fine-tunes a <see cref="ReaderModel"/> on labelled windows (AdamW, linear warm-up then linear decay, clipped gradients).</summary>
public sealed class ReaderTrainer(ReaderModel model, WordPieces pieces, TrainingSettings settings, Action<string> log)
{
    public List<CurvePoint> Curve { get; } = [];

    public void Train(IReadOnlyList<ReaderExample> training, IReadOnlyList<ReaderExample> heldOut)
    {
        var windows = training.SelectMany(e => ReaderWindows.Windows(pieces, e, settings.MaxTokens, settings.MaxQuestion, training: true, settings.MarksMatches)).ToList();
        log($"{windows.Count} training windows from {training.Count} questions ({training.Count - windows.Count} without the whole answer in a window)");
        var steps = (int)Math.Ceiling(windows.Count / (double)settings.BatchSize) * settings.Epochs;
        var warmUp = Math.Max(1, (int)(steps * settings.WarmUp));
        var optimizer = optim.AdamW(model.Encoder, settings.LearningRate, weight_decay: settings.WeightDecay);
        // Fresh rows learn from few sightings each: a larger rate of their own, no decay toward zero.
        var rowOptimizer = model.NewRows is { } rows ? optim.AdamW([rows], settings.LearningRate * settings.NewRowsRateScale, weight_decay: 0) : null;
        var random = new Random(settings.Seed);
        var clock = Stopwatch.StartNew();
        var seen = 0;
        var step = 0;
        var lossSum = 0.0;
        var lossCount = 0;
        var nextEvaluation = settings.EvaluateEvery > 0 ? settings.EvaluateEvery : int.MaxValue;
        Evaluate(heldOut, seen, clock, null);
        for (var epoch = 0; epoch < settings.Epochs && !OutOfTime(clock); epoch++)
        {
            var order = windows.OrderBy(_ => random.Next()).ToList();
            for (var at = 0; at < order.Count && !OutOfTime(clock); at += settings.BatchSize)
            {
                var batch = order.Skip(at).Take(settings.BatchSize).ToList();
                var rate = ScheduledRate(settings.LearningRate, step, steps, warmUp);
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = rate;
                }

                foreach (var group in rowOptimizer?.ParamGroups ?? [])
                {
                    group.LearningRate = rate * settings.NewRowsRateScale;
                }

                model.train();
                using (var scope = NewDisposeScope())
                {
                    optimizer.zero_grad();
                    rowOptimizer?.zero_grad();
                    var (ids, types, mask) = Tensors(batch);
                    var (start, end) = model.Forward(ids, types, mask);
                    var blocked = (1 - mask.to_type(ScalarType.Float32)) * -10000f;
                    var loss = (F.cross_entropy(start + blocked, tensor(batch.Select(w => (long)w.StartLabel).ToArray()))
                        + F.cross_entropy(end + blocked, tensor(batch.Select(w => (long)w.EndLabel).ToArray()))) / 2;
                    loss.backward();
                    nn.utils.clip_grad_norm_(model.Trainable, 1.0);
                    optimizer.step();
                    rowOptimizer?.step();
                    lossSum += loss.item<float>();
                    lossCount++;
                }

                step++;
                seen += batch.Count;
                if (step % 20 == 0)
                {
                    log($"epoch {epoch + 1} step {step}/{steps}: loss {lossSum / lossCount:F3}, {seen / clock.Elapsed.TotalSeconds:F1} windows/s, lr {rate:E1}");
                }

                if (seen >= nextEvaluation)
                {
                    Evaluate(heldOut, seen, clock, lossSum / Math.Max(1, lossCount));
                    (lossSum, lossCount) = (0, 0);
                    nextEvaluation += settings.EvaluateEvery;
                }
            }
        }

        if (Curve.Count == 0 || Curve[^1].Examples != seen)
        {
            Evaluate(heldOut, seen, clock, lossSum / Math.Max(1, lossCount));
        }
    }

    /// <summary>The learning rate at <paramref name="step"/> of <paramref name="steps"/>: linear warm-up over the first <paramref name="warmUp"/> steps, then linear decay to 0.</summary>
    public static double ScheduledRate(double peak, int step, int steps, int warmUp) =>
        step < warmUp ? peak * (step + 1) / warmUp : peak * Math.Max(0, steps - step) / (steps - warmUp);

    /// <summary>The best span of each example over its windows.</summary>
    public List<ReadAnswer> Read(IReadOnlyList<ReaderExample> examples)
    {
        model.eval();
        var answers = new List<ReadAnswer>(examples.Count);
        using var noGrad = no_grad();
        foreach (var example in examples)
        {
            var best = ReadAnswer.None;
            var windows = ReaderWindows.Windows(pieces, example, settings.MaxTokens, settings.MaxQuestion, training: false, settings.MarksMatches);
            using var scope = NewDisposeScope();
            var (ids, types, mask) = Tensors(windows);
            var (start, end) = model.Forward(ids, types, mask);
            var starts = start.data<float>().ToArray();
            var ends = end.data<float>().ToArray();
            var width = (int)start.shape[1];
            for (var w = 0; w < windows.Count; w++)
            {
                best = SpanDecoder.Better(best, example, windows[w], starts.AsSpan(w * width, width), ends.AsSpan(w * width, width), settings.MaxAnswerPieces);
            }

            answers.Add(best);
        }

        return answers;
    }

    private void Evaluate(IReadOnlyList<ReaderExample> heldOut, int seen, Stopwatch clock, double? loss)
    {
        if (heldOut.Count == 0)
        {
            return;
        }

        clock.Stop(); // the curve's time is training time
        var timer = Stopwatch.StartNew();
        var answers = Read(heldOut);
        var exact = heldOut.Zip(answers, (e, a) => AnswerMetrics.ExactMatch(a.Text, e.Golds, AnswerMetrics.IsChinese(e.Question, e.Golds))).Average();
        var f1 = heldOut.Zip(answers, (e, a) => AnswerMetrics.F1(a.Text, e.Golds, AnswerMetrics.IsChinese(e.Question, e.Golds))).Average();
        Curve.Add(new CurvePoint(seen, Math.Round(clock.Elapsed.TotalSeconds, 1), Math.Round(exact, 4), Math.Round(f1, 4), heldOut.Count, loss is { } l ? Math.Round(l, 4) : null));
        log($"after {seen} windows ({clock.Elapsed.TotalMinutes:F1} min): held-out EM {exact:P1}, F1 {f1:P1} over {heldOut.Count} questions (read in {timer.Elapsed.TotalSeconds:F0} s)");
        clock.Start();
    }

    private bool OutOfTime(Stopwatch clock) => settings.TimeLimit is { } limit && clock.Elapsed >= limit;

    private (Tensor Ids, Tensor Types, Tensor Mask) Tensors(IReadOnlyList<ReaderWindow> batch)
    {
        var (ids, types, mask, width) = ReaderWindows.Pack(batch, pieces.Padding);
        long[] shape = [batch.Count, width];
        return (tensor(ids, shape), tensor(types, shape), tensor(mask, shape));
    }
}
