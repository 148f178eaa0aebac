using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Searching;

/// <summary>
/// A passage that matched, its BM25 score, the ranges of its text that matched query terms, and the cosine
/// similarity of the query's and the passage's sentence vectors (null when either has none: Chinese, or embeddings off).
/// </summary>
public sealed record SearchHit(Passage Passage, double Score, IReadOnlyList<TextRange> Highlights, double? Similarity = null);

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, int TotalHits)
{
    public static SearchResult Empty { get; } = new([], 0);
}
