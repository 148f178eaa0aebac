namespace Search.Answer.Extraction;

/// <summary>
/// Turns the features of an answer into a probability that it is right: a logistic model fitted
/// on samples of SQuAD, CMRC and DRCD (gold paragraph plus four distractors; the label is "the
/// answer text contains a gold answer"), so one threshold means the same in every language.
/// The top-passage coefficient is held at 0.8 instead of the fitted 1.8: in the samples the gold
/// paragraph is always first, which real retrieval does not promise.
/// </summary>
public static class ConfidenceModel
{
    private const double Bias = -1.219;
    private const double Overlap = 1.520;
    private const double Coverage = 0.296;
    private const double Margin = 1.854;
    private const double TopPassage = 0.8;
    private const double TypedSentence = 0.254;
    private const double Span = -1.878;
    private const double SpanRivals = -0.238;
    private const double SpanMargin = -0.069;
    private const double SpanPrior = 1.169;

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
