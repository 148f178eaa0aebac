using System.Diagnostics;
using Search.Reading.Neural;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Search.ReaderTraining;

/// <summary>
/// Teaches the word pieces added to the vocabulary (<see cref="ReaderModel.NewRows"/>) what they mean before the reader
/// learns to answer: masked-word prediction over the training folds' own passages, as BERT was pretrained. Unless given
/// a rate of its own the encoder stays as packaged, and only the new rows and a small prediction head (a dense layer,
/// GELU and a layer norm before the word-piece table, which scores every piece) learn, so a new character ends up where
/// the encoder can read it from its neighbours. The head is thrown away afterwards. Without this, a new row learns only
/// from the few answers that pass through it (3,259 characters from 3,300 Chinese questions). Measured without a gain
/// (docs/quality.md, "Teaching the added Chinese characters first").
/// </summary>
/// <param name="encoderRate">the encoder's own learning rate while it pretrains; 0 keeps it as packaged</param>
public sealed class RowPretrainer(ReaderModel model, WordPieces pieces, int windowPieces, int batchSize, double learningRate, double encoderRate, int seed, Action<string> log)
{
    /// <summary>The share of pieces hidden per window, and what a hidden piece becomes (BERT's 80 / 10 / 10).</summary>
    private const double MaskedShare = 0.15;

    /// <summary>The mean masked-piece loss of each epoch run.</summary>
    public List<double> EpochLoss { get; } = [];

    /// <summary>Runs <paramref name="epochs"/> passes over the windows of <paramref name="texts"/>.</summary>
    public void Train(IReadOnlyList<string> texts, int epochs)
    {
        var mask = Array.IndexOf([.. pieces.Vocabulary], "[MASK]");
        if (mask < 0 || model.NewRows is null)
        {
            throw new ArgumentException("pretraining new rows needs a vocabulary with [MASK] and added pieces (--extend-vocabulary)");
        }

        var windows = Windows(texts);
        log($"pretraining the new rows: {windows.Count} windows of up to {windowPieces} pieces from {texts.Count} passages, {epochs} epochs");
        var width = ReaderModel.Width;
        using var generator = new Generator((ulong)seed + 7);
        var dense = new Parameter(normal(0, 0.02, [width, width], generator: generator));
        var denseBias = new Parameter(zeros(width));
        var normWeight = new Parameter(ones(width));
        var normBias = new Parameter(zeros(width));
        var outputBias = new Parameter(zeros(pieces.Vocabulary.Count));
        Parameter[] head = [dense, denseBias, normWeight, normBias, outputBias];

        // Unless given a rate of its own, the encoder keeps its packaged weights and no gradient is kept for them.
        var encoder = model.Encoder.ToList();
        foreach (var p in encoder)
        {
            p.requires_grad = encoderRate > 0;
        }

        try
        {
            var optimizer = optim.AdamW([model.NewRows, .. head], learningRate, weight_decay: 0);
            var encoderOptimizer = encoderRate > 0 ? optim.AdamW(encoder, encoderRate, weight_decay: 0.01) : null;
            var steps = (int)Math.Ceiling(windows.Count / (double)batchSize) * epochs;
            var warmUp = Math.Max(1, steps / 10);
            var random = new Random(seed);
            var clock = Stopwatch.StartNew();
            var (step, lossSum, lossCount) = (0, 0.0, 0);
            model.train();
            for (var epoch = 0; epoch < epochs; epoch++)
            {
                var (epochSum, epochCount) = (0.0, 0);
                var order = windows.OrderBy(_ => random.Next()).ToList();
                for (var at = 0; at < order.Count; at += batchSize)
                {
                    var rate = ReaderTrainer.ScheduledRate(learningRate, step, steps, warmUp);
                    foreach (var group in optimizer.ParamGroups)
                    {
                        group.LearningRate = rate;
                    }

                    foreach (var group in encoderOptimizer?.ParamGroups ?? [])
                    {
                        group.LearningRate = rate / learningRate * encoderRate;
                    }

                    var batch = order.Skip(at).Take(batchSize).ToList();
                    using var scope = NewDisposeScope();
                    var (ids, types, attention, positions, labels) = Masked(batch, mask, random);
                    optimizer.zero_grad();
                    encoderOptimizer?.zero_grad();
                    var hidden = model.Hidden(tensor(ids.Input, ids.Shape), tensor(types, ids.Shape), tensor(attention, ids.Shape))
                        .reshape(-1, width)[tensor(positions)];
                    var transformed = F.layer_norm(F.gelu(hidden.matmul(dense) + denseBias), [width], normWeight, normBias, 1e-12);
                    var logits = transformed.matmul(model.WordTable().t()) + outputBias;
                    var loss = F.cross_entropy(logits, tensor(labels));
                    loss.backward();
                    nn.utils.clip_grad_norm_([model.NewRows, .. head, .. encoder.Where(p => p.requires_grad)], 1.0);
                    optimizer.step();
                    encoderOptimizer?.step();
                    var value = loss.item<float>();
                    (lossSum, lossCount, epochSum, epochCount) = (lossSum + value, lossCount + 1, epochSum + value, epochCount + 1);
                    step++;
                    if (step % 50 == 0)
                    {
                        log($"pretraining epoch {epoch + 1} step {step}/{steps}: masked-piece loss {lossSum / lossCount:F3}, {step * batchSize / clock.Elapsed.TotalSeconds:F1} windows/s");
                        (lossSum, lossCount) = (0, 0);
                    }
                }

                EpochLoss.Add(epochSum / Math.Max(1, epochCount));
            }
        }
        finally
        {
            foreach (var p in encoder)
            {
                p.requires_grad = true;
            }

            foreach (var p in head)
            {
                p.Dispose();
            }
        }
    }

    /// <summary>Each text's pieces cut into windows of at most <c>windowPieces</c> − 2, between [CLS] and [SEP].</summary>
    private List<int[]> Windows(IReadOnlyList<string> texts)
    {
        var windows = new List<int[]>();
        var room = windowPieces - 2;
        foreach (var text in texts)
        {
            var ids = pieces.Split(text).Select(p => p.Id).ToArray();
            for (var at = 0; at < ids.Length; at += room)
            {
                windows.Add([pieces.Classifier, .. ids.AsSpan(at, Math.Min(room, ids.Length - at)), pieces.Separator]);
            }
        }

        return windows;
    }

    /// <summary>
    /// The batch padded, with 15% of the pieces between [CLS] and [SEP] hidden (at least one per window): 80% become
    /// [MASK], 10% a random piece, 10% stay. Returns the flat positions hidden and their true pieces.
    /// </summary>
    private ((long[] Input, long[] Shape) Ids, long[] Types, long[] Attention, long[] Positions, long[] Labels) Masked(List<int[]> batch, int mask, Random random)
    {
        var width = batch.Max(w => w.Length);
        var input = new long[batch.Count * width];
        var attention = new long[input.Length];
        Array.Fill(input, pieces.Padding);
        var positions = new List<long>();
        var labels = new List<long>();
        for (var b = 0; b < batch.Count; b++)
        {
            var window = batch[b];
            for (var t = 0; t < window.Length; t++)
            {
                input[b * width + t] = window[t];
                attention[b * width + t] = 1;
            }

            var inner = window.Length - 2; // at least one piece: a window is cut only from pieces there are
            var hidden = Enumerable.Range(1, inner).Where(_ => random.NextDouble() < MaskedShare).ToList();
            if (hidden.Count == 0)
            {
                hidden.Add(1 + random.Next(inner));
            }

            foreach (var t in hidden)
            {
                positions.Add(b * width + t);
                labels.Add(window[t]);
                var roll = random.NextDouble();
                input[b * width + t] = roll < 0.8 ? mask : roll < 0.9 ? random.Next(pieces.Vocabulary.Count) : window[t];
            }
        }

        return ((input, [batch.Count, width]), new long[input.Length], attention, [.. positions], [.. labels]);
    }
}
