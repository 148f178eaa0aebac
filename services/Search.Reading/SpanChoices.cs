using System.Buffers;
using Search.Text;

namespace Search.Reading;

/// <summary>
/// The spans of a sentence the model chooses among: typed spans of the expected type (names, dates,
/// numbers, places, from <see cref="SpanExtractor"/>), short phrases of any type, and the sentence's
/// clauses (alone, two adjacent ones, the whole sentence), since some answers are a whole clause.
/// English phrases are runs of one to <see cref="MaxWords"/> content words within a clause; Chinese
/// phrases run between boundaries inside a clause: where the question's words start or stop, and
/// around common particles.
/// </summary>
internal static class SpanChoices
{
    public const int MaxWords = 5;
    private const int MaxChineseChars = 30;
    private const int MaxClauseChars = 160;

    // A phrase never crosses these; a comma may sit inside one ("Santa Clara, California").
    private const string Breaks = ";:()[]{}\"“”?!。；：？！（）「」『』《》【】";
    private const string ChineseBreaks = "，、,";
    private const string ClauseBreaks = ",;:，；：、";
    private const string Particles = "的是在于为了和与及或被把将从由对以而也都就";
    private static readonly SearchValues<char> BreakChars = SearchValues.Create(Breaks);
    private static readonly SearchValues<char> ClauseBreakChars = SearchValues.Create(ClauseBreaks);

    public static List<(TextRange Range, bool Typed, double Prior)> Find(string text, SentenceUnit unit, ExpectedAnswer expected, HashSet<string> questionTerms)
    {
        var found = new Dictionary<TextRange, (bool Typed, double Prior)>();
        foreach (var typed in SpanExtractor.Find(text, unit.Range, expected))
        {
            found[typed.Range] = (true, typed.Prior);
        }

        var sentence = unit.Range.Of(text);
        var phrases = sentence.Any(ChineseScript.IsHan)
            ? ChinesePhrases(text, unit, questionTerms)
            : EnglishPhrases(text, unit, questionTerms);
        foreach (var range in phrases.Concat(Clauses(text, unit)))
        {
            if (range.Length > 0 && (range != unit.Range || !unit.WholePassage))
            {
                found.TryAdd(range, (false, 0));
            }
        }

        return found.Select(p => (p.Key, p.Value.Typed, p.Value.Prior)).OrderBy(p => p.Key.Start).ThenBy(p => p.Key.End).ToList();
    }

    private static IEnumerable<TextRange> EnglishPhrases(string text, SentenceUnit unit, HashSet<string> questionTerms)
    {
        var tokens = unit.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var commas = 0;
            var allQuestion = true;
            for (var j = i; j < tokens.Count && j < i + MaxWords; j++)
            {
                if (j > i)
                {
                    var gap = text.AsSpan(tokens[j - 1].End, tokens[j].Start - tokens[j - 1].End);
                    if (gap.ContainsAny(BreakChars) || (commas += gap.Count(',')) > 1)
                    {
                        break;
                    }
                }

                allQuestion &= questionTerms.Contains(tokens[j].Term);
                if (!allQuestion)
                {
                    yield return new TextRange(tokens[i].Start, tokens[j].End);
                }
            }
        }
    }

    /// <summary>Whether <paramref name="range"/> holds a clause break (beyond its last character).</summary>
    public static bool CrossesClauses(string text, TextRange range) =>
        range.Length > 1 && text.AsSpan(range.Start, range.Length - 1).ContainsAny(ClauseBreakChars);

    /// <summary>The clause or clauses of <paramref name="sentence"/> that <paramref name="range"/> lies in: from the clause break before it to the one after.</summary>
    public static TextRange ClauseOf(string text, TextRange sentence, TextRange range)
    {
        var start = range.Start;
        while (start > sentence.Start && !ClauseBreakChars.Contains(text[start - 1]))
        {
            start--;
        }

        var end = range.End;
        while (end < sentence.End && !ClauseBreakChars.Contains(text[end]))
        {
            end++;
        }

        return new TextRange(start, end);
    }

    /// <summary>Each clause, each two adjacent clauses and the whole sentence, when short enough to be an answer.</summary>
    private static IEnumerable<TextRange> Clauses(string text, SentenceUnit unit)
    {
        var clauses = new List<TextRange>();
        var start = unit.Range.Start;
        for (var c = unit.Range.Start; c <= unit.Range.End; c++)
        {
            if (c == unit.Range.End || ClauseBreakChars.Contains(text[c]))
            {
                if (SentenceReader.Trim(text, start, c) is { Length: > 0 } clause)
                {
                    clauses.Add(clause);
                }

                start = c + 1;
            }
        }

        for (var i = 0; i < clauses.Count; i++)
        {
            if (clauses[i].Length <= MaxClauseChars)
            {
                yield return clauses[i];
            }

            if (i + 1 < clauses.Count && clauses[i + 1].End - clauses[i].Start <= MaxClauseChars)
            {
                yield return new TextRange(clauses[i].Start, clauses[i + 1].End);
            }
        }

        if (unit.Range.Length <= MaxClauseChars)
        {
            yield return unit.Range;
        }
    }

    /// <summary>
    /// Chinese phrases: every stretch of a clause between two boundaries (the clause's ends, where the
    /// question's words start or stop, either side of a particle) that holds a character the question
    /// does not, at most <see cref="MaxChineseChars"/> long.
    /// </summary>
    private static IEnumerable<TextRange> ChinesePhrases(string text, SentenceUnit unit, HashSet<string> questionTerms)
    {
        var covered = new bool[unit.Range.Length];
        foreach (var token in unit.Tokens)
        {
            if (questionTerms.Contains(token.Term))
            {
                for (var c = token.Start; c < token.End; c++)
                {
                    covered[c - unit.Range.Start] = true;
                }
            }
        }

        bool Covered(int c) => covered[c - unit.Range.Start];
        var clauseStart = unit.Range.Start;
        for (var c = unit.Range.Start; c <= unit.Range.End; c++)
        {
            if (c < unit.Range.End && !Breaks.Contains(text[c], StringComparison.Ordinal) && !ChineseBreaks.Contains(text[c], StringComparison.Ordinal))
            {
                continue;
            }

            var boundaries = new SortedSet<int> { clauseStart, c };
            for (var b = clauseStart + 1; b < c; b++)
            {
                // Never inside a Latin word or a number ("2004", "Taipei").
                if (char.IsAsciiLetterOrDigit(text[b]) && char.IsAsciiLetterOrDigit(text[b - 1]))
                {
                    continue;
                }

                if (Covered(b) != Covered(b - 1))
                {
                    boundaries.Add(b);
                }

                if (Particles.Contains(text[b], StringComparison.Ordinal))
                {
                    boundaries.Add(b);
                    boundaries.Add(b + 1);
                }
            }

            var points = boundaries.ToList();
            for (var i = 0; i < points.Count; i++)
            {
                for (var j = i + 1; j < points.Count && points[j] - points[i] <= MaxChineseChars; j++)
                {
                    var range = SentenceReader.Trim(text, points[i], points[j]);
                    var open = false;
                    for (var k = range.Start; k < range.End && !open; k++)
                    {
                        open = !Covered(k) && !char.IsWhiteSpace(text[k]);
                    }

                    if (open)
                    {
                        yield return range;
                    }
                }
            }

            clauseStart = c + 1;
        }
    }
}
