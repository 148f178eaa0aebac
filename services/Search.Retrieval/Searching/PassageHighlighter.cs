using Search.Text;

namespace Search.Retrieval.Searching;

/// <summary>
/// Marks the tokens of a passage whose analysed form is a query term. Using the same
/// analyzer as the index means "running" is marked for the query "run", and 國家 for 国家.
/// </summary>
public static class PassageHighlighter
{
    /// <summary>Sorted, non-overlapping ranges of <paramref name="text"/> (overlapping Chinese bigrams are merged).</summary>
    public static IReadOnlyList<TextRange> Highlight(string text, IReadOnlyCollection<string> queryTerms)
    {
        var spans = new List<TextRange>();
        if (queryTerms.Count == 0)
        {
            return spans;
        }

        var terms = queryTerms as ISet<string> ?? new HashSet<string>(queryTerms, StringComparer.Ordinal);
        foreach (var token in TextTokenizer.Tokenize(text).Where(t => terms.Contains(t.Term)).OrderBy(t => t.Start))
        {
            if (spans.Count > 0 && token.Start <= spans[^1].End)
            {
                spans[^1] = spans[^1] with { End = Math.Max(spans[^1].End, token.End) };
                continue;
            }

            spans.Add(new TextRange(token.Start, token.End));
        }

        return spans;
    }
}
