using Search.Retrieval.Embeddings;
using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Searching;

/// <summary>
/// A passage that matched, its BM25 score, the ranges of its text that matched query terms, and the cosine
/// similarity of the query's and the passage's sentence vectors (null when either has none: Chinese, or embeddings off),
/// and each of its sentences' similarity to the query (null when the passage has no sentence vectors).
/// </summary>
public sealed record SearchHit(
    Passage Passage, double Score, IReadOnlyList<TextRange> Highlights, double? Similarity = null, IReadOnlyList<SentenceScore>? Sentences = null);

/// <summary>A sentence of a hit, as a range of the passage's text, and the cosine similarity of its vector to the query's.</summary>
public readonly record struct SentenceScore(TextRange Range, double Similarity)
{
    /// <summary>Each sentence of <paramref name="sentences"/> with its similarity to <paramref name="query"/>; null when either is missing.</summary>
    public static IReadOnlyList<SentenceScore>? Of(float[]? query, SentenceVectors? sentences) =>
        query is null || sentences is null
            ? null
            : sentences.Similarities(query).Select((similarity, i) => new SentenceScore(sentences.Ranges[i], similarity)).ToList();
}

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, int TotalHits)
{
    public static SearchResult Empty { get; } = new([], 0);
}

/// <summary>How much of each hit a search reads and returns.</summary>
public enum HitDetail
{
    /// <summary>The whole passage, with the ranges of its text that matched.</summary>
    Highlighted,

    /// <summary>The whole passage, no highlight (a caller that marks the text itself).</summary>
    Unmarked,

    /// <summary>
    /// Only the ids, ordinal and language (and the vector when a similarity is asked for): title, url and text are
    /// empty. What a ranking needs; it skips reading and sending the passages.
    /// </summary>
    IdsOnly,
}
