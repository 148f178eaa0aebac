using Search.Text;

namespace Search.Reading;

/// <summary>One sentence of a passage with its analysed terms, ready to be scored.</summary>
internal sealed class SentenceUnit(int passage, TextRange range, List<Token> tokens, bool wholePassage)
{
    public int Passage { get; } = passage;
    public TextRange Range { get; } = range;
    public List<Token> Tokens { get; } = tokens;
    public HashSet<string> Terms { get; } = tokens.Select(t => t.Term).ToHashSet(StringComparer.Ordinal);

    /// <summary>The sentence is the whole passage: it may hold a span but is never itself the answer.</summary>
    public bool WholePassage { get; } = wholePassage;

    public int Matched { get; set; }
    public double Overlap { get; set; }
    public double Coverage { get; set; }
    public double Proximity { get; set; }

    /// <summary>
    /// The weighted share of the question's terms outside its passage's title that the sentence holds: what the
    /// question asks about beyond the document's subject. A short notice names its subject once, in its first
    /// sentence, which then matches the question best without holding the answer.
    /// </summary>
    public double FocusOverlap { get; set; }
    public IReadOnlyList<SpanCandidate> Spans { get; set; } = [];
    public double Score { get; set; }

    /// <summary>The cosine similarity of the sentence holding this unit to the query (retrieval's vectors); null when unknown.</summary>
    public double? Similarity { get; set; }
}

/// <summary>Cuts passages into sentences (long ones into clauses) and analyses them with the index's analyzer.</summary>
internal static class SentenceReader
{
    public static List<SentenceUnit> Read(IReadOnlyList<AnswerPassage> passages, ReaderOptions options)
    {
        var units = new List<SentenceUnit>();
        for (var p = 0; p < passages.Count && p < options.MaxPassages; p++)
        {
            var full = passages[p].Text ?? "";
            // Reading stops at the cap, but ranges stay valid in the full text because only a prefix is read.
            var text = full.Length > options.MaxPassageChars ? full[..SafeCut(full, options.MaxPassageChars)] : full;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var tokens = TextTokenizer.TokenizePassage(text);
            var trimmed = Trimmed(full);
            var next = 0;
            foreach (var sentence in SentenceSplitter.Split(text))
            {
                foreach (var piece in Pieces(text, sentence, options.MaxSentenceChars))
                {
                    while (next < tokens.Count && tokens[next].Start < piece.Start)
                    {
                        next++;
                    }

                    var inside = new List<Token>();
                    for (var i = next; i < tokens.Count && tokens[i].Start < piece.End; i++)
                    {
                        if (tokens[i].End <= piece.End)
                        {
                            inside.Add(tokens[i]);
                        }
                    }

                    units.Add(new SentenceUnit(p, piece, inside, piece == trimmed) { Similarity = SimilarityAt(passages[p].Sentences, piece.Start) });
                }
            }
        }

        return units;
    }

    /// <summary>The similarity of the sentence of <paramref name="sentences"/> that holds <paramref name="start"/>; null when none does.</summary>
    private static double? SimilarityAt(IReadOnlyList<ScoredSentence>? sentences, int start)
    {
        if (sentences is null)
        {
            return null;
        }

        foreach (var sentence in sentences)
        {
            if (sentence.Range.Start <= start && start < sentence.Range.End)
            {
                return sentence.Similarity;
            }
        }

        return null;
    }

    /// <summary>A sentence longer than <paramref name="max"/> split at clause marks, else at spaces, else hard.</summary>
    private static IEnumerable<TextRange> Pieces(string text, TextRange sentence, int max)
    {
        var start = sentence.Start;
        while (sentence.End - start > max)
        {
            var cut = -1;
            for (var i = start + max - 1; i > start + max / 3; i--)
            {
                if (text[i] is ',' or ';' or ':' or '，' or '；' or '：' or '、')
                {
                    cut = i + 1;
                    break;
                }
            }

            if (cut < 0)
            {
                for (var i = start + max - 1; i > start + max / 3; i--)
                {
                    if (char.IsWhiteSpace(text[i]))
                    {
                        cut = i;
                        break;
                    }
                }
            }

            if (cut < 0)
            {
                cut = SafeCut(text, start + max);
            }

            var piece = Trim(text, start, cut);
            if (piece.Length > 0)
            {
                yield return piece;
            }

            start = cut;
        }

        var last = Trim(text, start, sentence.End);
        if (last.Length > 0)
        {
            yield return last;
        }
    }

    private static TextRange Trimmed(string text) => Trim(text, 0, text.Length);

    /// <summary>The range without the white space at either end.</summary>
    internal static TextRange Trim(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return new TextRange(start, end);
    }

    /// <summary>Moves a cut off the middle of a surrogate pair.</summary>
    private static int SafeCut(string text, int index) =>
        index > 0 && index < text.Length && char.IsLowSurrogate(text[index]) ? index - 1 : index;
}
