using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Search.Text;

namespace Search.Retrieval.Searching;

/// <summary>
/// Marks the tokens of a passage whose analysed form is a query term. Using the same
/// analyzer as the index means "running" is marked for the query "run", and 國家 for 国家.
/// Passages indexed with term vectors are marked from the offsets stored at ingest, which
/// costs a lookup per query term instead of analysing the passage again on every search.
/// </summary>
public static class PassageHighlighter
{
    /// <summary>Sorted, non-overlapping ranges of <paramref name="text"/> (overlapping Chinese bigrams are merged).</summary>
    public static IReadOnlyList<TextRange> Highlight(string text, IReadOnlyCollection<string> queryTerms)
    {
        if (queryTerms.Count == 0)
        {
            return [];
        }

        var terms = queryTerms as ISet<string> ?? new HashSet<string>(queryTerms, StringComparer.Ordinal);
        return Merge(TextTokenizer.Tokenize(text).Where(t => terms.Contains(t.Term)).OrderBy(t => t.Start).Select(t => new TextRange(t.Start, t.End)));
    }

    /// <summary>
    /// The same ranges as <see cref="Highlight(string, IReadOnlyCollection{string})"/>, read from the term vector that
    /// ingest stored with the passage's text; null when the passage has none (indexed before term vectors were kept).
    /// </summary>
    public static IReadOnlyList<TextRange>? FromTermVector(IndexReader reader, int docId, string field, IReadOnlyList<string> queryTerms)
    {
        var vector = reader.GetTermVector(docId, field);
        if (vector is null || !vector.HasOffsets)
        {
            return null;
        }

        var ranges = new List<TextRange>();
        var terms = vector.GetEnumerator();
        DocsAndPositionsEnum? positions = null;
        foreach (var term in queryTerms)
        {
            if (!terms.SeekExact(new BytesRef(term)))
            {
                continue;
            }

            positions = terms.DocsAndPositions(null, positions, DocsAndPositionsFlags.OFFSETS);
            if (positions is null || positions.NextDoc() == DocIdSetIterator.NO_MORE_DOCS)
            {
                continue;
            }

            for (var i = positions.Freq; i > 0; i--)
            {
                positions.NextPosition();
                ranges.Add(new TextRange(positions.StartOffset, positions.EndOffset));
            }
        }

        ranges.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        return Merge(ranges);
    }

    /// <summary>Ranges sorted by start, with touching or overlapping ones joined.</summary>
    private static List<TextRange> Merge(IEnumerable<TextRange> sorted)
    {
        var spans = new List<TextRange>();
        foreach (var range in sorted)
        {
            if (spans.Count > 0 && range.Start <= spans[^1].End)
            {
                spans[^1] = spans[^1] with { End = Math.Max(spans[^1].End, range.End) };
                continue;
            }

            spans.Add(range);
        }

        return spans;
    }
}
