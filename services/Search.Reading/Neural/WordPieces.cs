using System.Globalization;
using System.Text;

namespace Search.Reading.Neural;

/// <summary>One word piece: its id in the vocabulary and the range of the original text it came from.</summary>
public readonly record struct WordPiece(int Id, int Start, int End);

/// <summary>
/// BERT's uncased word pieces with the offsets a span reader needs: control characters dropped, whitespace and
/// punctuation split words, every Han character is a word of its own, words are lower-cased and stripped of accents,
/// then split greedily into the longest pieces of the vocabulary ("##" marks a piece inside a word); a word with no
/// split is <c>[UNK]</c>. The vocabulary is all-MiniLM-L6-v2's (30,522 pieces), carried in the reader's model file. Unlike the package's own tokenizer, Chinese is split into characters, as BERT's reference tokenizer does.
/// </summary>
public sealed class WordPieces
{
    private const int LongestWord = 100;

    private readonly Dictionary<string, int> _ids;

    public WordPieces(IReadOnlyList<string> vocabulary)
    {
        Vocabulary = vocabulary;
        _ids = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Count; i++)
        {
            _ids.TryAdd(vocabulary[i], i);
        }

        Unknown = _ids["[UNK]"];
        Classifier = _ids["[CLS]"];
        Separator = _ids["[SEP]"];
        Padding = _ids["[PAD]"];
    }

    public IReadOnlyList<string> Vocabulary { get; }

    public int Unknown { get; }

    public int Classifier { get; }

    public int Separator { get; }

    public int Padding { get; }

    /// <summary>The word pieces of <paramref name="text"/>, each with the range of <paramref name="text"/> it stands for.</summary>
    public List<WordPiece> Split(string text)
    {
        var pieces = new List<WordPiece>();
        var word = new StringBuilder();
        var origins = new List<int>(); // for each character of the normalised word, the index in text it came from
        var wordEnd = 0;

        void Flush()
        {
            if (word.Length > 0)
            {
                SplitWord(word.ToString(), origins, wordEnd, pieces);
                word.Clear();
                origins.Clear();
            }
        }

        for (var i = 0; i < text.Length;)
        {
            var rune = Rune.GetRuneAt(text, i);
            var width = rune.Utf16SequenceLength;
            if (rune.Value == 0 || rune.Value == 0xFFFD || (Rune.IsControl(rune) && !Rune.IsWhiteSpace(rune)))
            {
                i += width;
                continue;
            }

            if (Rune.IsWhiteSpace(rune))
            {
                Flush();
            }
            else if (IsHan(rune.Value) || IsPunctuation(rune))
            {
                Flush();
                AppendNormalised(rune, i, word, origins);
                wordEnd = i + width;
                Flush();
            }
            else
            {
                AppendNormalised(rune, i, word, origins);
                wordEnd = i + width;
            }

            i += width;
        }

        Flush();
        return pieces;
    }

    /// <summary>Lower case, canonical decomposition, combining marks dropped; every character remembers its origin.</summary>
    private static void AppendNormalised(Rune rune, int origin, StringBuilder word, List<int> origins)
    {
        var lower = Rune.ToLowerInvariant(rune).ToString().Normalize(NormalizationForm.FormD);
        foreach (var c in lower)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                word.Append(c);
                origins.Add(origin);
            }
        }
    }

    private void SplitWord(string word, List<int> origins, int wordEnd, List<WordPiece> pieces)
    {
        int OriginEnd(int end) => end < origins.Count ? origins[end] : wordEnd;

        if (word.Length > LongestWord)
        {
            pieces.Add(new WordPiece(Unknown, origins[0], wordEnd));
            return;
        }

        var first = pieces.Count;
        for (var start = 0; start < word.Length;)
        {
            var end = word.Length;
            var id = -1;
            while (end > start)
            {
                var candidate = start == 0 ? word[..end] : "##" + word[start..end];
                if (_ids.TryGetValue(candidate, out id))
                {
                    break;
                }

                end--;
            }

            if (end == start)
            {
                pieces.RemoveRange(first, pieces.Count - first);
                pieces.Add(new WordPiece(Unknown, origins[0], wordEnd));
                return;
            }

            pieces.Add(new WordPiece(id, origins[start], OriginEnd(end)));
            start = end;
        }
    }

    /// <summary>The CJK ideograph blocks BERT's tokenizer puts spaces around.</summary>
    private static bool IsHan(int c) =>
        c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    /// <summary>ASCII symbols count as punctuation too (BERT's rule), besides every Unicode punctuation category.</summary>
    private static bool IsPunctuation(Rune rune) =>
        rune.Value is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
}
