using Search.Text;

namespace Search.Retrieval.Passages;

/// <summary>
/// Cuts a document into sentence-aware windows of about <c>passageWords</c> English words
/// or <c>passageCjkChars</c> Chinese characters, and never longer than <c>maxChars</c> UTF-16 units
/// (unless one unit is: a run without spaces is cut every 40). Every passage is a range of the original
/// text, so its text is exactly <c>text[Start..End]</c>.
/// </summary>
public sealed class PassageSplitter
{
    // A run without spaces longer than this (a URL, a hash) counts as several words so it cannot make one huge passage.
    private const int MaxWordChars = 40;

    private readonly long _wordCost;
    private readonly long _cjkCost;
    private readonly long _budget;
    private readonly int _maxChars;

    public PassageSplitter(int passageWords, int passageCjkChars, int maxChars = 3_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(passageWords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(passageCjkChars, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, MaxWordChars + 1);
        _maxChars = maxChars;

        // Integer costs: a word is 1/passageWords of a passage, a Han character 1/passageCjkChars, so mixed text fills one budget.
        _wordCost = passageCjkChars;
        _cjkCost = passageWords;
        _budget = (long)passageWords * passageCjkChars;
    }

    public IReadOnlyList<TextRange> Split(string text)
    {
        var segments = new List<Piece>();
        foreach (var sentence in SentenceSplitter.Split(text))
        {
            var units = Units(text, sentence);
            var cost = units.Sum(u => u.Cost);
            if (cost <= _budget && sentence.End - sentence.Start <= _maxChars)
            {
                segments.Add(new Piece(sentence.Start, sentence.End, cost));
                continue;
            }

            // One sentence longer than a passage: cut it between words (or between Han characters).
            // Punctuation costs no words, so a sentence of symbols is cut by its length alone.
            segments.AddRange(Pack(units));
        }

        return Pack(segments).Select(p => new TextRange(p.Start, p.End)).ToList();
    }

    /// <summary>Greedily joins consecutive pieces while they fit in one passage.</summary>
    private List<Piece> Pack(List<Piece> pieces)
    {
        var packed = new List<Piece>();
        if (pieces.Count == 0)
        {
            return packed;
        }

        var current = pieces[0];
        foreach (var piece in pieces.Skip(1))
        {
            var tooLong = piece.End - current.Start > _maxChars;
            if ((current.Cost > 0 && current.Cost + piece.Cost > _budget) || tooLong)
            {
                packed.Add(current);
                current = piece;
                continue;
            }

            current = new Piece(current.Start, piece.End, current.Cost + piece.Cost);
        }

        packed.Add(current);
        return packed;
    }

    /// <summary>The words and Han characters of a sentence; whitespace is never inside a unit.</summary>
    private List<Piece> Units(string text, TextRange range)
    {
        var units = new List<Piece>();
        var i = range.Start;
        while (i < range.End)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (ChineseScript.IsHan(c))
            {
                units.Add(new Piece(i, i + 1, _cjkCost));
                i++;
                continue;
            }

            var end = i;
            var hasWordChar = false;
            while (end < range.End && !char.IsWhiteSpace(text[end]) && !ChineseScript.IsHan(text[end]))
            {
                hasWordChar |= char.IsLetterOrDigit(text[end]);
                end++;
            }

            // Punctuation alone ("，", "—") is free, or Chinese punctuation would count as English words.
            var cost = hasWordChar ? _wordCost : 0;
            while (end - i > MaxWordChars)
            {
                var cut = i + MaxWordChars;
                if (char.IsLowSurrogate(text[cut]))
                {
                    cut++;
                }

                units.Add(new Piece(i, cut, cost));
                i = cut;
            }

            units.Add(new Piece(i, end, cost));
            i = end;
        }

        return units;
    }

    private readonly record struct Piece(int Start, int End, long Cost);
}
