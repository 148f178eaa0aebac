using System.ComponentModel.DataAnnotations;
using Search.Gateway.Grpc;

namespace Search.Gateway;

/// <summary>
/// Where the downstream services are (http://host:port, or dns:///host:port to balance every call over all the
/// addresses the name resolves to: <see cref="StageChannels"/>) and how long each stage may take.
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    [Required, StageAddress]
    public string RouterAddress { get; set; } = "http://127.0.0.1:5101";

    [Required, StageAddress]
    public string RetrievalAddress { get; set; } = "http://127.0.0.1:5102";

    [Required, StageAddress]
    public string RerankAddress { get; set; } = "http://127.0.0.1:5103";

    [Required, StageAddress]
    public string AnswerAddress { get; set; } = "http://127.0.0.1:5104";

    /// <summary>
    /// Rounds of searches (one English, one Simplified, one Traditional question) the gateway runs through
    /// its own pipeline before it reports ready, so the first users do not pay for compiling the search path
    /// here and in every stage; 0 turns it off.
    /// </summary>
    [Range(0, 100)]
    public int WarmUpSearches { get; set; } = 3;

    /// <summary>Budget of a whole search when the caller sets no deadline.</summary>
    [Range(100, 60_000)]
    public int RequestTimeoutMs { get; set; } = 5_000;

    [Range(10, 60_000)]
    public int RouterTimeoutMs { get; set; } = 300;

    [Range(10, 60_000)]
    public int RetrievalTimeoutMs { get; set; } = 2_000;

    [Range(10, 60_000)]
    public int RerankTimeoutMs { get; set; } = 500;

    [Range(10, 60_000)]
    public int AnswerTimeoutMs { get; set; } = 1_000;

    /// <summary>
    /// Budget of the streamed answer (SearchStream, /api/search/stream), counted from when the results are
    /// sent: it includes generation, so it must exceed the answer service's Answer:Llm:TimeoutMs.
    /// </summary>
    [Range(100, 600_000)]
    public int AnswerStreamTimeoutMs { get; set; } = 30_000;

    /// <summary>Streamed searches open at once (each may hold an answer-model call); one more is refused with 503 / UNAVAILABLE.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentStreams { get; set; } = 32;

    /// <summary>Ingest batches are committed before they are acknowledged, so they get much longer.</summary>
    [Range(1_000, 3_600_000)]
    public int IngestTimeoutMs { get; set; } = 300_000;

    /// <summary>Results returned when the request does not say.</summary>
    [Range(1, 50)]
    public int DefaultResults { get; set; } = 10;

    [Range(1, 50)]
    public int MaxResults { get; set; } = 50;

    /// <summary>
    /// Passages retrieval hands to the reranker (more when a request asks for more results): more than
    /// shown, so rerank has room to reorder. 20 is where the reranker's gain was measured (BM25's top 20).
    /// 50 cost 30.5 ms of CPU per answered query against 24.3 ms (tools/measure-gateway.sh at 25/s) for
    /// no gain on the first 300 questions of SQuAD, CMRC and DRCD (every figure within ±0.01).
    /// </summary>
    [Range(1, 200)]
    public int RerankCandidates { get; set; } = 20;

    /// <summary>Top passages (after rerank) the answer service reads.</summary>
    [Range(1, 50)]
    public int AnswerPassages { get; set; } = 5;

    [Range(1, 100_000)]
    public int MaxQueryLength { get; set; } = 1_000;

    /// <summary>
    /// The key ingest and delete calls must present (REST header X-Api-Key, gRPC metadata x-api-key).
    /// Unset means no ingest is accepted at all; the launcher passes the local key (tools/Search.Hosting/local-cluster.json).
    /// </summary>
    public string? IngestApiKey { get; set; }

    /// <summary>Largest REST ingest body (NDJSON) in bytes; larger bodies get 400 before anything is stored.</summary>
    [Range(1_024, 1_073_741_824)]
    public long MaxIngestBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// The addresses (<c>10.0.0.7</c>) and networks (<c>10.0.0.0/8</c>) of the reverse proxies in front of the gateway:
    /// only from them is the client address taken from X-Forwarded-For (<see cref="Api.TrustedProxies"/>). Empty, the
    /// default, trusts no one, loopback included.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}
