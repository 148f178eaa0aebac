using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Answer.Extraction;

/// <summary>
/// Reads the top passages and returns the best answer to a question: a typed span inside the
/// best sentences when the question asks for a type, else the best sentence, with a calibrated
/// confidence and whether it clears the threshold.
/// </summary>
public sealed partial class AnswerExtractor(AnswerOptions options)
{
    // Span choice: how much the type cue, the nearness to question words and a repeat of the question count.
    private const double SpanPriorWeight = 0.3;
    private const double SpanNearWeight = 0.3;
    private const double RepeatPenalty = 1.0;
    private const double UnitMatchBonus = 0.3;

    // Question words and their bigram fragments say what is asked, never where the answer is.
    private const string QuestionChars = "谁誰哪吗嗎呢么麼什";
    private static readonly HashSet<string> QuestionNoise = new(StringComparer.Ordinal)
    {
        "多少", "时候", "时间", "几", "何", "如何", "为何", "怎样", "怎么", "是否", "name", "call",
    };

    public AnswerResult Extract(string question, ExpectedAnswer expected, IReadOnlyList<AnswerPassage> passages)
    {
        var (candidates, reason) = Consider(question, expected, passages);
        if (candidates.Count == 0)
        {
            return AnswerResult.None(reason);
        }

        // A typed span is preferred; only when it is too doubtful to show while its sentence is sure
        // enough does the sentence answer instead, so the box shows something right rather than nothing.
        var span = candidates.FirstOrDefault(c => c.Shape == AnswerShape.Span);
        var sentence = candidates.FirstOrDefault(c => c.Shape == AnswerShape.Sentence);
        var best = span is not null && (sentence is null || !options.SentenceFallback || span.Confidence >= options.MinConfidence || sentence.Confidence < options.MinConfidence)
            ? span
            : sentence!;

        var shown = best.Confidence >= options.MinConfidence;
        return new AnswerResult(
            best,
            shown,
            shown ? "" : $"confidence {best.Confidence:0.00} is below the threshold {options.MinConfidence:0.00}");
    }

    /// <summary>
    /// The answers considered: the best typed span (when the question asks for a type and one is
    /// found) and the best sentence, each with its confidence; empty with a reason when there is none.
    /// </summary>
    public (IReadOnlyList<AnswerCandidate> Candidates, string Reason) Consider(
        string question, ExpectedAnswer expected, IReadOnlyList<AnswerPassage> passages)
    {
        var questionTerms = QuestionTerms(question);
        if (questionTerms.Count == 0)
        {
            return ([], "the question has no content words to look for");
        }

        if (passages.Count == 0)
        {
            return ([], "there are no passages to read");
        }

        expected = Refine(expected, question);
        var units = SentenceReader.Read(passages, options);
        var weights = TermWeights(questionTerms, units);
        var related = new List<SentenceUnit>();
        foreach (var unit in units)
        {
            ScoreSentence(unit, weights);
            if (unit.Matched == 0)
            {
                continue;
            }

            unit.Spans = SpanExtractor.Find(passages[unit.Passage].Text, unit.Range, expected);
            unit.Score += options.TypeMatchWeight * (unit.Spans.Count > 0 ? 1 : 0);
            related.Add(unit);
        }

        if (related.Count == 0)
        {
            return ([], "no sentence shares a word with the question");
        }

        related.Sort((a, b) => b.Score.CompareTo(a.Score));
        var candidates = new List<AnswerCandidate>(2);
        var askedUnit = expected == ExpectedAnswer.Number ? AskedUnit(question) : null;
        if (BestSpan(related, questionTerms, passages, askedUnit) is { } span)
        {
            candidates.Add(Candidate(span.Unit, related, expected, span));
        }

        if (related.FirstOrDefault(u => !u.WholePassage) is { } sentence)
        {
            candidates.Add(Candidate(sentence, related, expected, null));
        }

        return (candidates, candidates.Count == 0 ? "the only related sentences are whole passages" : "");
    }

    private static AnswerCandidate Candidate(SentenceUnit sentence, List<SentenceUnit> related, ExpectedAnswer expected, ChosenSpan? span)
    {
        var runnerUp = related.FirstOrDefault(u => u != sentence)?.Score ?? 0;
        var features = new ConfidenceFeatures(
            Overlap: sentence.Overlap,
            Coverage: sentence.Coverage,
            Margin: sentence.Score > 0 ? Math.Clamp((sentence.Score - runnerUp) / sentence.Score, -1, 1) : 0,
            TopPassage: sentence.Passage == 0,
            Typed: expected != ExpectedAnswer.None,
            IsSpan: span is not null,
            Rivals: span?.Rivals ?? 0,
            SpanMargin: span?.Margin ?? 0,
            SpanPrior: span?.Candidate.Prior ?? 0);
        return new AnswerCandidate(
            sentence.Passage,
            span?.Candidate.Range ?? sentence.Range,
            sentence.Range,
            span is null ? AnswerShape.Sentence : AnswerShape.Span,
            span is null ? ExpectedAnswer.None : expected,
            ConfidenceModel.Score(features),
            features);
    }

    /// <summary>
    /// The one or two characters after "多少"/"几" in a Chinese count question ("多少层" → "层",
    /// "幾公里" → "公里"), folded to Simplified; null when there is none.
    /// </summary>
    private static string? AskedUnit(string question)
    {
        var match = AskedUnitPattern().Match(ChineseScript.ToSimplified(question));
        return match.Success ? match.Groups["u"].Value : null;
    }

    /// <summary>The span ends with the asked unit: both characters ("公里") or the first alone ("层" of "层楼").</summary>
    private static bool EndsWithUnit(string span, string unit)
    {
        var folded = ChineseScript.ToSimplified(span);
        return folded.EndsWith(unit, StringComparison.Ordinal) || folded.EndsWith(unit[0]);
    }

    [GeneratedRegex(@"(?:多少|几)(?:个)?(?<u>[\p{IsCJKUnifiedIdeographs}]{1,2})")]
    private static partial Regex AskedUnitPattern();

    /// <summary>"西元幾年" asks for a year, though "幾年" alone reads as a count.</summary>
    private static ExpectedAnswer Refine(ExpectedAnswer expected, string question) =>
        expected == ExpectedAnswer.Number && EraYearQuestion().IsMatch(question) ? ExpectedAnswer.Time : expected;

    [GeneratedRegex("(?:西元|公元|民國|民国)(?:前)?[几幾哪]")]
    private static partial Regex EraYearQuestion();

    private static HashSet<string> QuestionTerms(string question)
    {
        var terms = TextTokenizer.Terms(question);
        terms.RemoveWhere(t => QuestionNoise.Contains(t) || t.Any(c => QuestionChars.Contains(c)));
        return terms;
    }

    /// <summary>Rarity of each question term among the candidate sentences (BM25-style idf).</summary>
    private static Dictionary<string, double> TermWeights(HashSet<string> questionTerms, List<SentenceUnit> units)
    {
        var n = units.Count;
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var term in questionTerms)
        {
            var df = units.Count(u => u.Terms.Contains(term));
            weights[term] = Math.Log(1 + (n - df + 0.5) / (df + 0.5));
        }

        return weights;
    }

    private void ScoreSentence(SentenceUnit unit, Dictionary<string, double> weights)
    {
        double total = 0, matched = 0;
        var count = 0;
        foreach (var (term, weight) in weights)
        {
            total += weight;
            if (unit.Terms.Contains(term))
            {
                matched += weight;
                count++;
            }
        }

        unit.Matched = count;
        unit.Overlap = total > 0 ? matched / total : 0;
        unit.Coverage = (double)count / weights.Count;
        unit.Proximity = Proximity(unit, weights);
        unit.Score = options.OverlapWeight * unit.Overlap
            + options.CoverageWeight * unit.Coverage
            + options.ProximityWeight * unit.Proximity
            + options.RankWeight / (1 + unit.Passage);
    }

    /// <summary>Matched distinct terms over the smallest token window holding all of them (1 = adjacent).</summary>
    private static double Proximity(SentenceUnit unit, Dictionary<string, double> weights)
    {
        if (unit.Matched < 2)
        {
            return 0;
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var have = 0;
        var best = int.MaxValue;
        var left = 0;
        var tokens = unit.Tokens;
        for (var right = 0; right < tokens.Count; right++)
        {
            if (!weights.ContainsKey(tokens[right].Term))
            {
                continue;
            }

            counts[tokens[right].Term] = counts.GetValueOrDefault(tokens[right].Term) + 1;
            if (counts[tokens[right].Term] == 1)
            {
                have++;
            }

            while (have == unit.Matched)
            {
                best = Math.Min(best, right - left + 1);
                var term = tokens[left].Term;
                if (counts.TryGetValue(term, out var c))
                {
                    counts[term] = c - 1;
                    if (c == 1)
                    {
                        have--;
                    }
                }

                left++;
            }
        }

        return best == int.MaxValue ? 0 : Math.Min(1, (double)unit.Matched / best);
    }

    private sealed record ChosenSpan(SentenceUnit Unit, SpanCandidate Candidate, int Rivals, double Margin);

    /// <summary>The best typed span among the best few sentences, scored with its sentence.</summary>
    private ChosenSpan? BestSpan(List<SentenceUnit> related, HashSet<string> questionTerms, IReadOnlyList<AnswerPassage> passages, string? askedUnit)
    {
        ChosenSpan? best = null;
        double bestScore = double.MinValue, secondScore = double.MinValue;
        foreach (var unit in related.Where(u => u.Spans.Count > 0).Take(options.SpanSentences))
        {
            var repeats = unit.Spans.Select(c => RepeatShare(passages[unit.Passage].Text, c, questionTerms)).ToList();
            var plausible = repeats.Count(r => r < 1);
            for (var i = 0; i < unit.Spans.Count; i++)
            {
                var candidate = unit.Spans[i];
                // "101层" answers "台北101有多少层": the asked unit outweighs a figure the question repeats.
                var unitMatch = askedUnit is not null && EndsWithUnit(candidate.Range.Of(passages[unit.Passage].Text), askedUnit);

                // A span made only of question words is never the answer.
                if (repeats[i] >= 1 && !unitMatch)
                {
                    continue;
                }

                var score = unit.Score
                    + (unitMatch ? UnitMatchBonus : 0)
                    + SpanPriorWeight * candidate.Prior
                    + SpanNearWeight * Nearness(unit, candidate.Range, questionTerms)
                    - (unitMatch ? 0 : RepeatPenalty * repeats[i]);
                if (score > bestScore)
                {
                    secondScore = bestScore;
                    bestScore = score;
                    best = new ChosenSpan(unit, candidate, plausible - 1, 0);
                }
                else if (score > secondScore)
                {
                    secondScore = score;
                }
            }
        }

        return best is null
            ? null
            : best with { Margin = secondScore == double.MinValue ? 1 : Math.Clamp(bestScore - secondScore, 0, 1) };
    }

    /// <summary>
    /// Share of the span's terms that the question already says ("Apple" for "who founded Apple").
    /// For numbers and dates only the figures count: "6300公里" answers "多少公里" though it repeats the unit.
    /// </summary>
    private static double RepeatShare(string text, SpanCandidate span, HashSet<string> questionTerms)
    {
        var terms = TextTokenizer.Terms(span.Range.Of(text));
        if (span.Type is ExpectedAnswer.Number or ExpectedAnswer.Time)
        {
            terms.RemoveWhere(t => !t.Any(char.IsDigit));
        }

        return terms.Count == 0 ? 0 : (double)terms.Count(questionTerms.Contains) / terms.Count;
    }

    /// <summary>1 when the span touches a question word in its sentence, falling with the tokens between them.</summary>
    private static double Nearness(SentenceUnit unit, TextRange range, HashSet<string> questionTerms)
    {
        var tokens = unit.Tokens;
        var first = 0;
        while (first < tokens.Count && tokens[first].End <= range.Start)
        {
            first++;
        }

        var after = first;
        while (after < tokens.Count && tokens[after].Start < range.End)
        {
            after++;
        }

        var distance = int.MaxValue;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i >= first && i < after || !questionTerms.Contains(tokens[i].Term))
            {
                continue;
            }

            distance = Math.Min(distance, i < first ? first - 1 - i : i - after);
        }

        return distance == int.MaxValue ? 0 : 1.0 / (1 + distance / 3.0);
    }
}
