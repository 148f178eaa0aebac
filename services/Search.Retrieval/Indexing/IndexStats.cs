namespace Search.Retrieval.Indexing;

/// <param name="PassagesPendingVectors">English passages stored and searchable whose vector the backfill has not written yet.</param>
public sealed record IndexStats(long Documents, long Passages, long PassagesPendingVectors = 0);
