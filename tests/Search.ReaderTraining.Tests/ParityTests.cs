using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Search.ReaderTraining;
using TorchSharp;
using static TorchSharp.torch;

namespace Search.ReaderTraining.Tests;

/// <summary>
/// The TorchSharp encoder computes what the ONNX graph computes, from the same weights, and a reader written back as
/// ONNX scores spans as the TorchSharp model does: without both, a model trained here would not be the model served.
/// </summary>
public sealed class ParityTests
{
    private const float Tolerance = 2e-3f;
    private static readonly MiniLmWeights Weights = MiniLmWeights.ReadPackaged();
    private static readonly WordPieces Pieces = WordPieces.MiniLm();

    private static readonly ReaderExample[] Examples =
    [
        new("a", "How much does a ticket for the ferry cost?", "A single ticket costs 4.50 euros; children travel free.", ["4.50 euros"], null),
        new("b", "Who built the tower?", "The engineer Mara Voss built the tower in 1873.", ["Mara Voss"], null),
    ];

    [Fact]
    public void TheEncoderGivesTheGraphsLastHiddenState()
    {
        var (ids, types, mask, lengths) = Inputs();
        using var model = new ReaderModel(Weights, seed: 1);
        model.eval();
        using var noGrad = no_grad();
        var ours = model.Hidden(tensor(ids, [2, Width(ids)]), tensor(types, [2, Width(ids)]), tensor(mask, [2, Width(ids)])).data<float>().ToArray();

        using var session = new InferenceSession(Weights.OriginalModel());
        var theirs = Run(session, ids, types, mask, "last_hidden_state");
        AssertClose(ours, theirs, lengths, ReaderModel.Width, Width(ids));
    }

    [Fact]
    public void AWrittenReaderScoresSpansAsTheModelDoes()
    {
        var (ids, types, mask, lengths) = Inputs();
        using var model = new ReaderModel(Weights, seed: 7);
        model.eval();
        // Move every weight a little, as training would, so that the written copy cannot pass by being the original.
        using (no_grad())
        {
            foreach (var parameter in model.parameters())
            {
                parameter.add_(randn_like(parameter) * 0.01);
            }
        }

        var width = Width(ids);
        float[] ours;
        using (no_grad())
        {
            var (start, end) = model.Forward(tensor(ids, [2, width]), tensor(types, [2, width]), tensor(mask, [2, width]));
            ours = stack([start, end], -1).data<float>().ToArray();
        }

        var (head, bias) = model.HeadWeights();
        using var session = new InferenceSession(Weights.WriteReader(model.EncoderWeights(), head, bias));
        var theirs = Run(session, ids, types, mask, MiniLmWeights.SpanOutput);
        AssertClose(ours, theirs, lengths, 2, width);
        Assert.NotEqual(0, ours.Max(Math.Abs));

        // And the spans read from either are the same.
        var settings = new TrainingSettings();
        var trainer = new ReaderTrainer(model, Pieces, settings, _ => { });
        using var onnx = new OnnxReader(Weights.WriteReader(model.EncoderWeights(), head, bias), eightBit: false, Pieces, settings);
        Assert.Equal(trainer.Read(Examples).Select(a => a.Text), Examples.Select(e => onnx.Read(e).Text));
    }


    private static (long[] Ids, long[] Types, long[] Mask, int[] Lengths) Inputs()
    {
        var windows = Examples.Select(e => ReaderExamples.Windows(Pieces, e, 64, 24, training: false)[0]).ToList();
        var (ids, types, mask, _) = ReaderExamples.Pack(windows, Pieces.Padding);
        Assert.NotEqual(windows[0].Length, windows[1].Length); // one of them is padded
        return (ids, types, mask, [windows[0].Length, windows[1].Length]);
    }

    private static int Width(long[] ids) => ids.Length / 2;

    private static float[] Run(InferenceSession session, long[] ids, long[] types, long[] mask, string output)
    {
        int[] shape = [2, ids.Length / 2];
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types, shape)),
        };
        using var results = session.Run(inputs, [output]);
        return results[0].AsTensor<float>().ToArray();
    }

    /// <summary>Every real (unpadded) position's values agree.</summary>
    private static void AssertClose(float[] ours, float[] theirs, int[] lengths, int size, int width)
    {
        Assert.Equal(theirs.Length, ours.Length);
        var worst = 0f;
        for (var b = 0; b < lengths.Length; b++)
        {
            for (var t = 0; t < lengths[b]; t++)
            {
                for (var d = 0; d < size; d++)
                {
                    var at = (b * width + t) * size + d;
                    worst = Math.Max(worst, Math.Abs(ours[at] - theirs[at]));
                }
            }
        }

        Assert.True(worst < Tolerance, $"largest difference {worst}");
    }
}
