using System.Globalization;
using Search.Evaluation;
using Search.Reading;
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
    /// <summary>
    /// The passages ordered and scored as a retriever would (the sum of the idf of the question terms each
    /// holds, over these passages), so the reader is never told that the gold paragraph comes first.
    /// </summary>
    private static List<AnswerPassage> Ranked(string question, IReadOnlyList<string> texts)
    {
        var terms = TextTokenizer.Terms(question);
        var passageTerms = texts.Select(TextTokenizer.Terms).ToList();
        return texts
            .Select((text, i) => new AnswerPassage(text, Score(i), Score(i)))
            .OrderByDescending(p => p.Score)
            .ToList();

        double Score(int i) => terms.Sum(t => passageTerms[i].Contains(t)
            ? Math.Log(1 + (texts.Count + 1.0) / (1 + passageTerms.Count(p => p.Contains(t))))
            : 0);
    }

    public static ReadingReport Run(IReadOnlyList<ReadingCase> cases, AnswerExtractor extractor, bool chinese)
    {
        int hits = 0, spans = 0, spanExact = 0, shown = 0, shownRight = 0;
        double em = 0, f1 = 0;
        foreach (var c in cases)
        {
            var passages = Ranked(c.Question, c.Passages);
            var result = extractor.Extract(c.Question, AnswerCues.Detect(c.Question), passages);
            if (result.Candidate is not { } candidate)
            {
                continue;
            }

            var text = passages[candidate.PassageIndex].Text;
            // The offsets contract, checked on every real question: the answer lies in its sentence, inside the passage.
            Assert.True(candidate.Sentence.Start <= candidate.Answer.Start && candidate.Answer.End <= candidate.Sentence.End);
            Assert.InRange(candidate.Sentence.End, 1, text.Length);
            var answer = candidate.Answer.Of(text);
            var right = AnswerMetrics.ContainsAnyGold(answer, c.Golds, chinese);
            hits += AnswerMetrics.ContainsAnyGold(candidate.Sentence.Of(text), c.Golds, chinese) ? 1 : 0;

            // Exact match is the reader's short answer, as the service reports it beside a sentence box.
            var shortAnswer = result.BestSpan is { } best ? best.Answer.Of(passages[best.PassageIndex].Text) : answer;
            em += AnswerMetrics.ExactMatch(shortAnswer, c.Golds, chinese);
            f1 += AnswerMetrics.F1(shortAnswer, c.Golds, chinese);
            if (candidate.Shape == AnswerShape.Span)
            {
                spans++;
                spanExact += AnswerMetrics.ExactMatch(answer, c.Golds, chinese) > 0 ? 1 : 0;
            }

            if (result.Shown)
            {
                shown++;
                shownRight += right ? 1 : 0;
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
