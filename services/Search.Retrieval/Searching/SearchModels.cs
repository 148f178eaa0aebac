using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Searching;

/// <summary>A passage that matched, its BM25 score and the ranges of its text that matched query terms.</summary>
public sealed record SearchHit(Passage Passage, double Score, IReadOnlyList<TextRange> Highlights);

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, int TotalHits)
{
    public static SearchResult Empty { get; } = new([], 0);
}
