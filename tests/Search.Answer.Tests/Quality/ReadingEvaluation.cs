using System.Globalization;
using Search.Answer.Extraction;
using Search.Text;

namespace Search.Answer.Tests.Quality;

/// <summary>What the answerer achieved on a sample; rates are shares of all questions unless named otherwise.</summary>
internal sealed record ReadingReport(
    int Questions,
    double SentenceHit,
    double ExactMatch,
    double F1,
    double SpanShare,
    double SpanExactMatch,
    double BoxCoverage,
    double BoxPrecision)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"questions={Questions} sentence_hit={SentenceHit:0.000} em={ExactMatch:0.000} f1={F1:0.000} span_share={SpanShare:0.000} span_em={SpanExactMatch:0.000} box_coverage={BoxCoverage:0.000} box_precision={BoxPrecision:0.000}");
}

internal static class ReadingEvaluation
{
    public static ReadingReport Run(IReadOnlyList<ReadingCase> cases, AnswerExtractor extractor, bool chinese)
    {
        int hits = 0, spans = 0, spanExact = 0, shown = 0, shownRight = 0;
        double em = 0, f1 = 0;
        var dump = Environment.GetEnvironmentVariable("ANSWER_EVAL_DUMP");
        using var writer = dump is null ? null : new StreamWriter(dump, append: true);
        foreach (var c in cases)
        {
            var passages = c.Passages.Select((p, i) => new AnswerPassage(p, c.Passages.Count - i)).ToList();
            var result = extractor.Extract(c.Question, AnswerCues.Detect(c.Question), passages);
            if (result.Candidate is not { } candidate)
            {
                continue;
            }

            var text = c.Passages[candidate.PassageIndex];
            var answer = candidate.Answer.Of(text);
            var right = AnswerScoring.Contains(answer, c.Golds, chinese);
            hits += AnswerScoring.Contains(candidate.Sentence.Of(text), c.Golds, chinese) ? 1 : 0;
            em += AnswerScoring.ExactMatch(answer, c.Golds, chinese);
            f1 += AnswerScoring.F1(answer, c.Golds, chinese);
            if (candidate.Shape == AnswerShape.Span)
            {
                spans++;
                spanExact += AnswerScoring.ExactMatch(answer, c.Golds, chinese) > 0 ? 1 : 0;
            }

            if (result.Shown)
            {
                shown++;
                shownRight += right ? 1 : 0;
            }

            if (writer is not null)
            {
                foreach (var alt in extractor.Consider(c.Question, AnswerCues.Detect(c.Question), passages).Candidates)
                {
                    var f = alt.Features;
                    var ok = AnswerScoring.Contains(alt.Answer.Of(c.Passages[alt.PassageIndex]), c.Golds, chinese);
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{(chinese ? 1 : 0)}\t{f.Overlap}\t{f.Coverage}\t{f.Margin}\t{(f.TopPassage ? 1 : 0)}\t{(f.Typed ? 1 : 0)}\t{(f.IsSpan ? 1 : 0)}\t{f.Rivals}\t{f.SpanMargin}\t{f.SpanPrior}\t{(ok ? 1 : 0)}\t{alt.Confidence}\t{c.Question.GetHashCode()}"));
                }

                var ex = Environment.GetEnvironmentVariable("ANSWER_EVAL_EXAMPLES");
                if (ex is not null)
                {
                    File.AppendAllText(ex, $"{(right ? "OK " : "BAD")}\t{candidate.Shape}\t{AnswerCues.Detect(c.Question)}\t{candidate.Confidence:0.00}\t{c.Question}\t{answer.Replace('\n', ' ')}\t{string.Join(" | ", c.Golds)}\n");
                }
            }
        }

        double n = Math.Max(1, cases.Count);
        return new ReadingReport(
            cases.Count,
            hits / n,
            em / n,
            f1 / n,
            spans / n,
            spans == 0 ? 0 : (double)spanExact / spans,
            shown / n,
            shown == 0 ? 0 : (double)shownRight / shown);
    }
}
