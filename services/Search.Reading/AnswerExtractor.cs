using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Reading;

/// <summary>
/// Reads the top passages and returns the best answer to a question. Sentences are scored against the
/// question; in the best few, every typed span and short phrase is an option, and the trained
/// <see cref="AnswerModel"/> ranks them and says how likely the best span, and each sentence, is right.
/// The threshold for showing the box comes from the target precision.
/// </summary>
public sealed partial class AnswerExtractor(ReaderOptions options, AnswerModel model)
{
    // Question words and their bigram fragments say what is asked, never where the answer is.
    private const string QuestionChars = "谁誰哪吗嗎呢么麼什";
    private static readonly HashSet<string> QuestionNoise = new(StringComparer.Ordinal)
    {
        "多少", "时候", "时间", "几", "何", "如何", "为何", "怎样", "怎么", "是否", "name", "call",
    };

    private readonly double _threshold = model.ThresholdFor(options.TargetPrecision);

    /// <summary>The confidence a candidate needs to be shown: derived from the target precision on the model's measured curve.</summary>
    public double Threshold => _threshold;

    public AnswerModel Model => model;

    /// <summary>
    /// The best answer to <paramref name="question"/> in <paramref name="passages"/>: the span the model
    /// ranks first, or the sentence most likely to hold the answer when the span is too doubtful, with the
    /// calibrated probability that it is right and whether that clears the threshold.
    /// </summary>
    public AnswerResult Extract(string question, ExpectedAnswer expected, IReadOnlyList<AnswerPassage> passages)
    {
        var reading = Read(question, expected, passages);
        var (span, sentence) = Judge(reading);
        if (AnswerDecision.Choose(span, sentence, _threshold, options.SentenceFallback) is not { } best)
        {
            return AnswerResult.None(reading.Reason);
        }

        var shown = best.Confidence >= _threshold;
        return new AnswerResult(
            best,
            shown,
            shown ? "" : $"confidence {best.Confidence:0.00} is below the threshold {_threshold:0.00} (target precision {options.TargetPrecision:0.00})",
            span);
    }

    /// <summary>
    /// The best span (by the ranker) and the best sentence (by the confidence model), each with its
    /// calibrated confidence; null where the reading has no option of that shape.
    /// </summary>
    public (AnswerCandidate? Span, AnswerCandidate? Sentence) Judge(AnswerReading reading)
    {
        AnswerChoice? bestSpan = null;
        double best = double.NegativeInfinity, second = double.NegativeInfinity;
        var bestBySentence = new Dictionary<TextRange, double>();
        foreach (var option in reading.Spans)
        {
            var score = model.Ranker.Score(option.Features);
            option.Features[AnswerFeatures.RankerScore] = (float)score;
            var key = option.Sentence;
            if (!bestBySentence.TryGetValue(key, out var top) || score > top)
            {
                bestBySentence[key] = score;
            }

            if (score > best)
            {
                second = best;
                best = score;
                bestSpan = option;
            }
            else if (score > second)
            {
                second = score;
            }
        }

        AnswerCandidate? span = null;
        if (bestSpan is not null)
        {
            bestSpan.Features[AnswerFeatures.RankerMargin] = (float)(double.IsNegativeInfinity(second) ? 10 : best - second);
            span = bestSpan.ToCandidate(model.Probability(bestSpan.Features));
        }

        AnswerCandidate? sentence = null;
        foreach (var option in reading.Sentences)
        {
            var inside = bestBySentence.TryGetValue(option.Sentence, out var top) ? top : NoSpanScore;
            option.Features[AnswerFeatures.RankerScore] = (float)inside;
            option.Features[AnswerFeatures.RankerMargin] = (float)(double.IsNegativeInfinity(best) ? 0 : inside - best);
            var candidate = option.ToCandidate(model.Probability(option.Features));
            if (sentence is null || candidate.Confidence > sentence.Confidence)
            {
                sentence = candidate;
            }
        }

        return (span, sentence);
    }

    /// <summary>The answer type to look for: the router's, else what the question's own cues say.</summary>
    public static ExpectedAnswer ExpectedFor(ExpectedAnswer routed, string question) =>
        routed is ExpectedAnswer.None ? AnswerCues.Detect(question) : routed;

    /// <summary>Ranker score given to a sentence that holds no span option.</summary>
    private const double NoSpanScore = -10;

    /// <summary>
    /// Reads the passages for <paramref name="question"/>: scores every sentence against it, keeps the best
    /// few, and lists the answer options in them (typed spans, other short phrases, the sentences
    /// themselves) with their features. Empty with a reason when nothing relates to the question.
    /// </summary>
    public AnswerReading Read(string question, ExpectedAnswer expected, IReadOnlyList<AnswerPassage> passages)
    {
        var questionTerms = QuestionTerms(question);
        if (questionTerms.Count == 0)
        {
            return AnswerReading.Empty("the question has no content words to look for");
        }

        if (passages.Count == 0)
        {
            return AnswerReading.Empty("there are no passages to read");
        }

        expected = Refine(expected, question);
        var units = SentenceReader.Read(passages, options);
        var weights = TermWeights(questionTerms, units);
        var related = new List<SentenceUnit>();
        foreach (var unit in units)
        {
            ScoreSentence(unit, weights);
            if (unit.Matched > 0)
            {
                related.Add(unit);
            }
        }

        if (related.Count == 0)
        {
            return AnswerReading.Empty("no sentence shares a word with the question");
        }

        related.Sort((a, b) => b.Score.CompareTo(a.Score));
        var context = new QuestionContext(
            questionTerms,
            expected,
            AnswerFeatures.Form(question),
            question.Any(ChineseScript.IsHan),
            TopScore(passages, p => p.RetrievalScore),
            expected == ExpectedAnswer.Number ? AskedUnit(question) : null,
            Folded(passages, options.MaxPassages),
            // The second passage's BM25 score over the first's: near 1 when retrieval could not tell them apart.
            // BM25, not the rerank score: that one is a probability close to 1 for every good passage, so its
            // ratios say little and shift with the corpus.
            passages.Count > 1 && passages[0].RetrievalScore > 0 ? passages[1].RetrievalScore / passages[0].RetrievalScore : 0);
        var spans = new List<AnswerChoice>();
        var sentences = new List<AnswerChoice>();
        var topScore = related[0].Score;
        for (var rank = 0; rank < related.Count && rank < options.SpanSentences; rank++)
        {
            var unit = related[rank];
            var text = passages[unit.Passage].Text;
            var runnerUp = rank == 0 ? (related.Count > 1 ? related[1].Score : 0) : topScore;
            var sentenceFeatures = SentenceFeatures(unit, rank, runnerUp, passages[unit.Passage], context);
            var options = SpanChoices.Find(text, unit, expected, questionTerms);
            foreach (var (range, typed, prior) in options)
            {
                spans.Add(new AnswerChoice(unit.Passage, range, unit.Range, AnswerShape.Span, typed ? expected : ExpectedAnswer.None,
                    SpanFeatures(sentenceFeatures, text, unit, range, typed, prior, options.Count, context)));
            }

            if (!unit.WholePassage)
            {
                var features = WholeSentenceFeatures(sentenceFeatures, text, unit, options.Count);
                features[AnswerFeatures.Typed] = options.Any(o => o.Typed) ? 1 : 0;
                sentences.Add(new AnswerChoice(unit.Passage, unit.Range, unit.Range, AnswerShape.Sentence, ExpectedAnswer.None, features));
            }
        }

        return spans.Count == 0 && sentences.Count == 0
            ? AnswerReading.Empty("the only related sentences are whole passages and hold no short answer")
            : new AnswerReading(spans, sentences, "");
    }

    private static double TopScore(IReadOnlyList<AnswerPassage> passages, Func<AnswerPassage, double> score)
    {
        var top = passages.Count == 0 ? 0 : passages.Max(score);
        return top > 0 ? top : 0;
    }

    private static float[] SentenceFeatures(SentenceUnit unit, int rank, double runnerUp, AnswerPassage passage, QuestionContext context)
    {
        var f = new float[AnswerFeatures.Count];
        f[AnswerFeatures.SentenceOverlap] = (float)unit.Overlap;
        f[AnswerFeatures.SentenceCoverage] = (float)unit.Coverage;
        f[AnswerFeatures.SentenceProximity] = (float)unit.Proximity;
        f[AnswerFeatures.SentenceRank] = rank;
        f[AnswerFeatures.SentenceScore] = (float)unit.Score;
        f[AnswerFeatures.SentenceMargin] = (float)(unit.Score > 0 ? Math.Clamp((unit.Score - runnerUp) / unit.Score, -1, 1) : 0);
        f[AnswerFeatures.PassageRank] = unit.Passage;
        f[AnswerFeatures.RetrievalScore] = (float)(context.TopRetrievalScore > 0 ? passage.RetrievalScore / context.TopRetrievalScore : 0);
        f[AnswerFeatures.Expected] = (int)context.Expected;
        f[AnswerFeatures.QuestionForm] = context.Form;
        f[AnswerFeatures.Chinese] = context.Chinese ? 1 : 0;
        f[AnswerFeatures.QuestionTerms] = context.Terms.Count;
        f[AnswerFeatures.PassageGap] = (float)context.PassageGap;
        return f;
    }

    private static float[] SpanFeatures(float[] sentence, string text, SentenceUnit unit, TextRange range, bool typed, double prior, int rivals, QuestionContext context)
    {
        var f = (float[])sentence.Clone();
        var spanText = range.Of(text);
        var (left, right, tokens) = Distances(unit, range, context.Terms);
        f[AnswerFeatures.Typed] = typed ? 1 : 0;
        f[AnswerFeatures.Prior] = (float)prior;
        f[AnswerFeatures.Tokens] = tokens;
        f[AnswerFeatures.Chars] = range.Length;
        f[AnswerFeatures.LeftDistance] = left;
        f[AnswerFeatures.RightDistance] = right;
        f[AnswerFeatures.Repeat] = (float)RepeatShare(unit, range, typed ? context.Expected : ExpectedAnswer.None, context.Terms);
        f[AnswerFeatures.Position] = unit.Range.Length > 0 ? (float)(range.Start - unit.Range.Start) / unit.Range.Length : 0;
        f[AnswerFeatures.Capitalized] = CapitalizedShare(spanText);
        f[AnswerFeatures.HasDigit] = spanText.Any(char.IsDigit) ? 1 : 0;
        f[AnswerFeatures.Bracketed] = Bracketed(text, range) ? 1 : 0;
        f[AnswerFeatures.Rivals] = rivals;
        f[AnswerFeatures.Redundancy] = Redundancy(spanText, context.FoldedPassages);
        if (context.AskedUnit is { } asked && EndsWithUnit(spanText, asked))
        {
            // "101层" answers "台北101有多少层": the asked unit outweighs a figure the question repeats.
            f[AnswerFeatures.Repeat] = 0;
            f[AnswerFeatures.Prior] = Math.Max(f[AnswerFeatures.Prior], 1);
        }

        return f;
    }

    private static float[] WholeSentenceFeatures(float[] sentence, string text, SentenceUnit unit, int rivals)
    {
        var f = (float[])sentence.Clone();
        f[AnswerFeatures.IsSentence] = 1;
        f[AnswerFeatures.Tokens] = unit.Tokens.Count;
        f[AnswerFeatures.Chars] = unit.Range.Length;
        f[AnswerFeatures.Repeat] = (float)unit.Coverage;
        f[AnswerFeatures.HasDigit] = unit.Range.Of(text).Any(char.IsDigit) ? 1 : 0;
        f[AnswerFeatures.Rivals] = rivals;
        return f;
    }

    /// <summary>Passages read, lower-cased and folded to Simplified Chinese, to count where a span recurs.</summary>
    private static string[] Folded(IReadOnlyList<AnswerPassage> passages, int max) =>
        passages.Take(max).Select(p => ChineseScript.ToSimplified(p.Text ?? "").ToLowerInvariant()).ToArray();

    /// <summary>How many of the passages read hold the span's text: an answer several passages agree on is more likely right.</summary>
    private static int Redundancy(string span, string[] folded)
    {
        var needle = ChineseScript.ToSimplified(span).ToLowerInvariant();
        return needle.Length == 0 ? 0 : folded.Count(p => p.Contains(needle, StringComparison.Ordinal));
    }

    /// <summary>Share of the words that start with a capital letter (0 for text without Latin words).</summary>
    private static float CapitalizedShare(string span)
    {
        int words = 0, capitals = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (char.IsLetter(span[i]) && span[i] < 0x250 && (i == 0 || !char.IsLetterOrDigit(span[i - 1])))
            {
                words++;
                if (char.IsUpper(span[i]))
                {
                    capitals++;
                }
            }
        }

        return words == 0 ? 0 : (float)capitals / words;
    }

    /// <summary>The span sits inside brackets or is followed by an opening one ("Rollo (Robert)").</summary>
    private static bool Bracketed(string text, TextRange range)
    {
        var before = range.Start > 0 ? text[range.Start - 1] : ' ';
        var after = range.End < text.Length ? text[range.End] : ' ';
        return before is '(' or '（' or '"' or '“' or '「' or '《' || after is ')' or '）' or '"' or '”' or '」' or '》';
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

    /// <summary>
    /// Share of the span's terms (its sentence's tokens inside it) that the question already says
    /// ("Apple" for "who founded Apple"). For numbers and dates only the figures count: "6300公里"
    /// answers "多少公里" though it repeats the unit.
    /// </summary>
    private static double RepeatShare(SentenceUnit unit, TextRange range, ExpectedAnswer type, HashSet<string> questionTerms)
    {
        int terms = 0, repeated = 0;
        foreach (var token in unit.Tokens)
        {
            if (token.Start < range.Start || token.End > range.End
                || (type is ExpectedAnswer.Number or ExpectedAnswer.Time && !token.Term.Any(char.IsDigit)))
            {
                continue;
            }

            terms++;
            repeated += questionTerms.Contains(token.Term) ? 1 : 0;
        }

        return terms == 0 ? 0 : (double)repeated / terms;
    }

    /// <summary>
    /// Tokens between the span and the nearest question word before it and after it in its sentence
    /// (0 = touching, <see cref="AnswerFeatures.FarAway"/> when there is none), and the span's length in tokens.
    /// </summary>
    private static (int Left, int Right, int Tokens) Distances(SentenceUnit unit, TextRange range, HashSet<string> questionTerms)
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

        int left = AnswerFeatures.FarAway, right = AnswerFeatures.FarAway;
        for (var i = first - 1; i >= 0; i--)
        {
            if (questionTerms.Contains(tokens[i].Term))
            {
                left = Math.Min(first - 1 - i, AnswerFeatures.FarAway);
                break;
            }
        }

        for (var i = after; i < tokens.Count; i++)
        {
            if (questionTerms.Contains(tokens[i].Term))
            {
                right = Math.Min(i - after, AnswerFeatures.FarAway);
                break;
            }
        }

        return (left, right, Math.Max(after - first, 1));
    }

    /// <summary>What the extractor knows about the question while it reads.</summary>
    private sealed record QuestionContext(
        HashSet<string> Terms,
        ExpectedAnswer Expected,
        int Form,
        bool Chinese,
        double TopRetrievalScore,
        string? AskedUnit,
        string[] FoldedPassages,
        double PassageGap);
}
