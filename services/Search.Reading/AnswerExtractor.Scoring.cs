using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Reading;

public sealed partial class AnswerExtractor
{
    // Question words and their bigram fragments say what is asked, never where the answer is.
    private const string QuestionChars = "谁誰哪吗嗎呢么麼什";
    private static readonly HashSet<string> QuestionNoise = new(StringComparer.Ordinal)
    {
        "多少", "时候", "时间", "几", "何", "如何", "为何", "怎样", "怎么", "是否", "name", "call",
    };

    /// <summary>"西元幾年" asks for a year, though "幾年" alone reads as a count.</summary>
    private static ExpectedAnswer Refine(ExpectedAnswer expected, string question) =>
        expected == ExpectedAnswer.Number && EraYearQuestion().IsMatch(question) ? ExpectedAnswer.Time : expected;

    [GeneratedRegex("(?:西元|公元|民國|民国)(?:前)?[几幾哪]")]
    private static partial Regex EraYearQuestion();

    private static HashSet<string> QuestionTerms(IReadOnlyList<Token> question)
    {
        var terms = question.Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
        terms.RemoveWhere(t => QuestionNoise.Contains(t) || t.Any(c => QuestionChars.Contains(c, StringComparison.Ordinal)));
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

    /// <summary>
    /// Scores a sentence against the question. The passage's title is implicit in each of its sentences: "Refunds reach
    /// you within 5 working days" is about the shop the title names as much as the first sentence that spells it out, so
    /// a question term the title holds counts for every sentence of the passage, and the sentences are told apart by what
    /// the question asks beyond the document's subject. It counts in overlap and coverage; proximity stays with the
    /// words the sentence says, which measured better on the probe (docs/quality.md, "The title in every sentence").
    /// </summary>
    private void ScoreSentence(SentenceUnit unit, Dictionary<string, double> weights, HashSet<string> title)
    {
        double total = 0, matched = 0;
        int count = 0, held = 0;
        foreach (var (term, weight) in weights)
        {
            total += weight;
            var said = unit.Terms.Contains(term);
            if (said || title.Contains(term))
            {
                matched += weight;
                held++;
                count += said ? 1 : 0;
            }
        }

        unit.Matched = count;
        unit.Overlap = total > 0 ? matched / total : 0;
        unit.Coverage = (double)held / weights.Count;
        unit.Proximity = Proximity(unit, weights);
        unit.Score = options.OverlapWeight * unit.Overlap
            + options.CoverageWeight * unit.Coverage
            + options.ProximityWeight * unit.Proximity
            + options.RankWeight / (1 + unit.Passage);
    }

    /// <summary>
    /// The sentence's weighted overlap on the question terms its passage's title does not hold, leaving out
    /// <paramref name="questionWords"/> (<see cref="QuestionWordTerms"/>) and <see cref="FrameWords"/>; 1 when there are none.
    /// <paramref name="title"/> is the title as the gate sees it (<see cref="FocusTitles"/>).
    /// The question's day words count as held where the sentence names those days otherwise (<paramref name="coveredDays"/>:
    /// "on Wednesdays" against "Monday to Friday").
    /// </summary>
    private static double FocusOverlap(
        SentenceUnit unit, Dictionary<string, double> weights, HashSet<string> title, HashSet<string> questionWords, HashSet<string> coveredDays)
    {
        double total = 0, matched = 0;
        foreach (var (term, weight) in weights)
        {
            if (title.Contains(term) || questionWords.Contains(term) || FrameWords.Contains(term))
            {
                continue;
            }

            total += weight;
            if (unit.Terms.Contains(term) || (HoursWords.Contains(term) && unit.Terms.Overlaps(HoursWords)) || coveredDays.Contains(term))
            {
                matched += weight;
            }
        }

        return total > 0 ? matched / total : 1;
    }

    /// <summary>
    /// Per passage, its title's terms as the focus gate sees them: with the question's Chinese bigrams whose two characters
    /// are both the title's and that no sentence of the passage holds. The question joins two words of the title and
    /// leaves out what stood between ("院開" of "朗澄書院開放日是哪一天？" under "朗澄書院中學開放日"): as the question's only
    /// word beyond the title such a bigram would close the gate on every sentence of the notice. One that a sentence holds
    /// still counts ("任校" of "第幾任校長").
    /// </summary>
    private static HashSet<string>[] FocusTitles(IEnumerable<string> questionTerms, HashSet<string>[] titles, IReadOnlyList<SentenceUnit> units)
    {
        var focus = new HashSet<string>[titles.Length];
        for (var p = 0; p < titles.Length; p++)
        {
            var title = titles[p];
            var chars = string.Concat(title);
            var joins = questionTerms
                .Where(t => t.Length == 2 && ChineseScript.IsHan(t[0]) && ChineseScript.IsHan(t[1]) && !title.Contains(t)
                    && chars.Contains(t[0], StringComparison.Ordinal) && chars.Contains(t[1], StringComparison.Ordinal))
                .ToHashSet(StringComparer.Ordinal);
            if (joins.Count > 0)
            {
                joins.ExceptWith(units.Where(u => u.Passage == p).SelectMany(u => u.Terms));
            }

            focus[p] = joins.Count == 0 ? title : [.. title, .. joins];
        }

        return focus;
    }

    /// <summary>
    /// English verbs (as the analyzer stems them) that frame a question rather than name what it asks about: "Where is
    /// the Riverside Jazz Weekend held?" is answered by "The Riverside Jazz Weekend returns to Millbrook Park …", which
    /// says neither word; so do "located", "situated" and "happen". The focus gate leaves them out as it leaves out the
    /// question words. Not "take": "How long does the ferry take?" is answered by "The crossing takes 40 minutes".
    /// </summary>
    private static readonly HashSet<string> FrameWords = new(
        ["held", "locat", "situat", "happen"],
        StringComparer.Ordinal);

    /// <summary>
    /// The Chinese question's bigrams that touch a question word: "候停" of "什么时候停水", "幾天" and "天停" of "哪幾天停駛". No
    /// sentence holds them, so the focus gate would take a question whose only word beyond its document's subject is
    /// "停水" for one that asks something the document does not say. They still count in the sentence scores, which
    /// the answer model was fitted on.
    /// </summary>
    private static HashSet<string> QuestionWordTerms(string question, IReadOnlyList<Token> tokens)
    {
        var asked = ChineseQuestionWord().Matches(question).Select(m => new TextRange(m.Index, m.Index + m.Length)).ToList();
        if (asked.Count == 0)
        {
            return [];
        }

        bool Touches(Token t) => asked.Any(a => t.Start < a.End && t.End > a.Start);
        return tokens.Where(Touches).Select(t => t.Term)
            .Except(tokens.Where(t => !Touches(t)).Select(t => t.Term), StringComparer.Ordinal)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Words of opening hours, each standing for all of them in the focus gate: a notice says "营业时间为每天早上6点至9点半"
    /// or "open from 9:00 to 17:30", and people ask "几点开门", "幾點關門", "what time does it close".
    /// </summary>
    private static readonly HashSet<string> HoursWords = new(
        ["open", "close", "hour", "开门", "開門", "关门", "關門", "营业", "營業", "开放", "開放", "开馆", "開館", "闭馆", "閉館", "打烊"],
        StringComparer.Ordinal);

    /// <summary>
    /// The Chinese question's bigrams that hold a particle or copula ("周是" of "接种周是哪几天", "店的" of "…店的电话"): they
    /// join a word to its neighbour and occur in no sentence, so the focus gate would hold back every sentence of a
    /// document whose title already names all that the question asks about. Like <see cref="QuestionWordTerms"/>, they
    /// still count in the sentence scores.
    /// </summary>
    private static IEnumerable<string> ParticleBigrams(IReadOnlyList<Token> tokens) =>
        tokens.Select(t => t.Term).Where(t => t.Length == 2 && t.All(ChineseScript.IsHan) && t.Any(c => Particles.Contains(c, StringComparison.Ordinal)));

    private const string Particles = "的是了在吗嗎呢吧";

    /// <summary>
    /// A year ("Who won the Skelby Fell Race in 2025?", "2025年的冠军是谁"), not a decade ("the 1950s", "1950年代").
    /// </summary>
    [GeneratedRegex(@"(?<![0-9０-９])(?:1[5-9]|20)[0-9]{2}(?![0-9０-９]|s\b|年代)")]
    private static partial Regex YearForm();

    [GeneratedRegex("什么时候|什麼時候|什么|什麼|时候|時候|多少|多久|多长|多長|哪里|哪裡|哪儿|哪兒|[哪几幾][个個些一位天年月号號点點楼樓次种種条條座家部本只隻名]?|谁|誰|何时|何時|为什么|為什麼|怎么|怎麼|如何|是否|吗|嗎|呢")]
    private static partial Regex ChineseQuestionWord();

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
}
