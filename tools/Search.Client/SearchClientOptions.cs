namespace Search.Client;

/// <summary>Deadlines for the calls a <see cref="SearchClient"/> makes.</summary>
public sealed record SearchClientOptions
{
    /// <summary>Deadline of one search (the gateway has its own per-stage deadlines inside it).</summary>
    public TimeSpan SearchTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of one upsert batch; retrieval commits the index before it answers.</summary>
    public TimeSpan IngestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Deadline of delete and stats calls.</summary>
    public TimeSpan AdminTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The gateway's ingest key, sent with upserts and deletes (gRPC metadata x-api-key); searches need none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Largest response the client accepts, in bytes.</summary>
    public int MaxReceiveMessageSize { get; init; } = 16 * 1024 * 1024;
}
