namespace Search.Rerank.Ranking;

/// <summary>A retrieval candidate as the reranker sees it.</summary>
public readonly record struct RerankCandidate(string Text, string Title, int Ordinal, double RetrievalScore);

/// <summary>The features of one candidate, each in [0, 1], higher is better.</summary>
/// <param name="Bm25">Retrieval score divided by the best candidate's.</param>
/// <param name="Coverage">IDF-weighted share of distinct query terms found in the passage text.</param>
/// <param name="Proximity">Matched terms per token of the smallest passage window holding them all, times the share of query terms matched.</param>
/// <param name="Title">Share of distinct query terms found in the title.</param>
/// <param name="Position">1 / (1 + ordinal): the first passage of a document gets 1.</param>
public readonly record struct RankingFeatures(double Bm25, double Coverage, double Proximity, double Title, double Position);

/// <summary>A candidate after reranking: its index in the request, its score in [0, 1] and why.</summary>
public readonly record struct RankedCandidate(int Index, double Score, RankingFeatures Features);
