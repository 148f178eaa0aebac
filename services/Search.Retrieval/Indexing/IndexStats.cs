namespace Search.Retrieval.Indexing;

public sealed record IndexStats(long Documents, long Passages);
