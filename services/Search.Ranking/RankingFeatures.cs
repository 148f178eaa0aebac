namespace Search.Ranking;

/// <summary>A retrieval candidate as the reranker sees it.</summary>
/// <param name="Similarity">Cosine similarity of the query's and the passage's sentence vectors; null when retrieval had none (Chinese, embeddings off).</param>
public readonly record struct RerankCandidate(string Text, string Title, int Ordinal, double RetrievalScore, double? Similarity = null);

/// <summary>The features of one candidate, each in [0, 1] except the similarity ones, higher is better.</summary>
/// <param name="Bm25">Retrieval score divided by the best candidate's.</param>
/// <param name="Coverage">IDF-weighted share of distinct query terms found in the passage text.</param>
/// <param name="Proximity">Matched terms per token of the smallest passage window holding them all, times the share of query terms matched.</param>
/// <param name="Title">Share of distinct query terms found in the title.</param>
/// <param name="Position">1 / (1 + ordinal): the first passage of a document gets 1.</param>
/// <param name="Similarity">Cosine similarity of query and passage vectors, in [-1, 1]; null when the candidate has none.</param>
/// <param name="SimilarityMargin">Similarity minus the best candidate's (0 for the best, negative below); 0 when there is none.</param>
public readonly record struct RankingFeatures(
    double Bm25, double Coverage, double Proximity, double Title, double Position, double? Similarity = null, double SimilarityMargin = 0);

/// <summary>A candidate after reranking: its index in the request, its score in [0, 1] and why.</summary>
public readonly record struct RankedCandidate(int Index, double Score, RankingFeatures Features);
