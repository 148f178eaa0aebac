namespace Search.Answer.Extraction;

/// <summary>
/// Turns the features of an answer into a probability that it is right: a logistic model fitted
/// on samples of SQuAD, CMRC and DRCD (gold paragraph plus four distractors; the label is "the
/// answer text contains a gold answer"), so one threshold means the same in every language. The
/// fitting sample is disjoint from the one the quality tests measure.
/// The top-passage coefficient is held at 0.8 instead of the fitted 1.8: in the samples the gold
/// paragraph is always first, which real retrieval does not promise.
/// </summary>
public static class ConfidenceModel
{
    private const double Bias = -1.249;
    private const double Overlap = 0.908;
    private const double Coverage = 0.799;
    private const double Margin = 2.272;
    private const double TopPassage = 0.8;
    private const double TypedSentence = 0.289;
    private const double Span = -1.773;
    private const double SpanRivals = -0.434;
    private const double SpanMargin = 0.332;
    private const double SpanPrior = 0.708;

    public static double Score(ConfidenceFeatures f)
    {
        var z = Bias
            + Overlap * f.Overlap
            + Coverage * f.Coverage
            + Margin * f.Margin
            + (f.TopPassage ? TopPassage : 0)
            + (f.IsSpan
                ? Span + SpanRivals * Math.Min(f.Rivals, 5) + SpanMargin * f.SpanMargin + SpanPrior * f.SpanPrior
                : f.Typed ? TypedSentence : 0);
        return 1 / (1 + Math.Exp(-z));
    }
}
