namespace Search.Benchmarks.Corpus;

/// <summary>A document as both engines receive it: the service as one ingest message, FTS5 as one row.</summary>
public sealed record BenchmarkDocument(string Id, string Title, string Text);
