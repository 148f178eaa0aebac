namespace Search.Text;

/// <summary>A half-open range [Start, End) of a string.</summary>
public readonly record struct TextRange(int Start, int End)
{
    public int Length => End - Start;

    public string Of(string text) => text[Start..End];

    /// <summary>Whether <paramref name="inner"/> lies wholly inside this range.</summary>
    public bool Holds(TextRange inner) => Start <= inner.Start && End >= inner.End;
}

/// <summary>
/// Splits English and Chinese text into sentences and keeps their offsets, so a
/// passage or an answer can be highlighted in the original text.
/// </summary>
public static class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "inc", "ltd", "co", "corp",
        "no", "vol", "fig", "approx", "est", "gen", "gov", "sen", "rep", "rev", "lt", "col", "sgt", "capt",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "u.s", "u.k",
    };

    /// <summary>The sentences of <paramref name="text"/>, trimmed, in order; never empty ranges.</summary>
    public static IReadOnlyList<TextRange> Split(string text)
    {
        var sentences = new List<TextRange>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var end = -1;
            if (c is '。' or '！' or '？' or '；' or '!' or '?')
            {
                end = ConsumeClosers(text, i + 1);
            }
            else if (c == '.' && IsSentenceFullStop(text, i))
            {
                end = ConsumeClosers(text, i + 1);
            }
            else if (c == '\n' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                end = i;
            }

            if (end < 0)
            {
                continue;
            }

            Add(text, sentences, start, end);
            start = end;
            i = Math.Max(i, end - 1);
        }

        Add(text, sentences, start, text.Length);
        return sentences;
    }

    private static int ConsumeClosers(string text, int i)
    {
        while (i < text.Length && text[i] is '"' or '\'' or ')' or '”' or '’' or '」' or '』' or '）' or '》')
        {
            i++;
        }

        return i;
    }

    private static bool IsSentenceFullStop(string text, int i)
    {
        // "3.14", "example.com": a dot followed by a letter or digit is inside a token.
        if (i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]) && text[i + 1] is not ('"' or '\'' or ')' or '”' or '’'))
        {
            return false;
        }

        // The word before the dot: abbreviations and single initials ("J. R. R. Tolkien") do not end sentences.
        var wordStart = i;
        while (wordStart > 0 && (char.IsLetter(text[wordStart - 1]) || text[wordStart - 1] == '.'))
        {
            wordStart--;
        }

        var word = text[wordStart..i];
        if (word.Length == 1 && char.IsUpper(word[0]))
        {
            return false;
        }

        if (Abbreviations.Contains(word))
        {
            return false;
        }

        // The next sentence starts with an upper-case letter, a digit, a quote or Han; "e.g. the" does not.
        var next = i + 1;
        while (next < text.Length && char.IsWhiteSpace(text[next]))
        {
            next++;
        }

        return next >= text.Length || !char.IsLower(text[next]);
    }

    private static void Add(string text, List<TextRange> sentences, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            sentences.Add(new TextRange(start, end));
        }
    }
}
