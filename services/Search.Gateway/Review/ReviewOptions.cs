using System.ComponentModel.DataAnnotations;

namespace Search.Gateway.Review;

/// <summary>Configuration section "Gateway:Review": the review console's key, how fast reviews reach every replica, the queues.</summary>
public sealed class ReviewOptions
{
    public const string Section = "Gateway:Review";

    /// <summary>The reviewer key (X-Api-Key header, gRPC x-api-key); empty turns the review console off. Never the ingest key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How often the gateway reads review actions other replicas stored (an action here applies at once).</summary>
    [Range(50, 1_000)]
    public int RefreshMs { get; set; } = 500;

    /// <summary>A shown answer below this confidence goes to the low-confidence queue.</summary>
    [Range(0.0, 1.0)]
    public double LowConfidenceBelow { get; set; } = 0.6;
}
