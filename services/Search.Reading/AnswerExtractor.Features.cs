using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Reading;

public sealed partial class AnswerExtractor
{
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
        if (unit.Similarity is { } similarity)
        {
            f[AnswerFeatures.Similarity] = (float)similarity;
            f[AnswerFeatures.SimilarityRank] = context.Similarities.Count(s => s > similarity);
            f[AnswerFeatures.SimilarityGap] = (float)(similarity - context.Similarities[0]);
        }
        else
        {
            f[AnswerFeatures.Similarity] = f[AnswerFeatures.SimilarityRank] = f[AnswerFeatures.SimilarityGap] = AnswerFeatures.NoSimilarity;
        }

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
}
