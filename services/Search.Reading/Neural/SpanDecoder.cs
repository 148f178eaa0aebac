using Search.Text;

namespace Search.Reading.Neural;

/// <summary>
/// A predicted answer: the text, its range in the context, its score (start + end scores) and the probability the two
/// softmaxes give it; <see cref="NoAnswerScore"/> is the lowest [CLS] start + end score over the windows read (how sure a
/// reader trained with unanswered windows is that none holds the answer; meaningless for one trained without).
/// </summary>
public sealed record ReadAnswer(string Text, TextRange Range, double Score, double Probability, double NoAnswerScore = double.PositiveInfinity)
{
    public static readonly ReadAnswer None = new("", default, double.NegativeInfinity, 0);

    public bool Found => Text.Length > 0;
}

/// <summary>The best span of a window from its start and end scores, whoever computed them (TorchSharp or ONNX Runtime).</summary>
public static class SpanDecoder
{
    /// <summary>
    /// <paramref name="best"/>, or this window's best span when it scores higher: the context pieces i ≤ j &lt; i +
    /// <paramref name="maxPieces"/> with the highest start[i] + end[j]. The probability is the two softmaxes' over the
    /// window's context.
    /// </summary>
    public static ReadAnswer Better(ReadAnswer best, ReaderExample example, ReaderWindow window, ReadOnlySpan<float> starts, ReadOnlySpan<float> ends, int maxPieces)
    {
        var noAnswer = Math.Min(best.NoAnswerScore, starts[0] + ends[0]);
        var count = window.ContextPieces.Count;
        var s = starts.Slice(window.ContextFirst, count);
        var e = ends.Slice(window.ContextFirst, count);
        var (bestI, bestJ, bestScore) = (-1, -1, best.Score);
        for (var i = 0; i < count; i++)
        {
            for (var j = i; j < Math.Min(count, i + maxPieces); j++)
            {
                if (s[i] + e[j] > bestScore)
                {
                    (bestI, bestJ, bestScore) = (i, j, s[i] + e[j]);
                }
            }
        }

        if (bestI < 0)
        {
            return best with { NoAnswerScore = noAnswer };
        }

        var range = new TextRange(window.ContextPieces[bestI].Start, window.ContextPieces[bestJ].End);
        return new ReadAnswer(range.Of(example.Context), range, bestScore, Softmax(s, bestI) * Softmax(e, bestJ), noAnswer);
    }

    private static double Softmax(ReadOnlySpan<float> scores, int at)
    {
        var max = double.NegativeInfinity;
        foreach (var score in scores)
        {
            max = Math.Max(max, score);
        }

        var sum = 0.0;
        foreach (var score in scores)
        {
            sum += Math.Exp(score - max);
        }

        return Math.Exp(scores[at] - max) / sum;
    }
}
