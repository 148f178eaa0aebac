using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace Search.Gateway.Caching;

/// <summary>Configuration section "Gateway:Cache": the Redis answer cache.</summary>
public sealed class CacheOptions : IValidatableObject
{
    public const string Section = "Gateway:Cache";

    /// <summary>StackExchange.Redis configuration ("127.0.0.1:6379", "host:port,password=…"); empty turns the cache off.</summary>
    public string? Redis { get; set; }

    /// <summary>How long a response is served from the cache unless a document it cites changes first.</summary>
    [Range(1, 86_400)]
    public int TtlSeconds { get; set; } = 300;

    /// <summary>
    /// Longest a cache read or write may take. The cache must never make a search slower than running
    /// it: past this, the request goes on uncached.
    /// </summary>
    [Range(5, 10_000)]
    public int OperationTimeoutMs { get; set; } = 150;

    /// <summary>After repeated failures, how long the gateway leaves Redis alone before trying again.</summary>
    [Range(1, 3_600)]
    public int BreakSeconds { get; set; } = 5;

    /// <summary>Prefix of every key, so several deployments can share one Redis.</summary>
    [Required(AllowEmptyStrings = false)]
    public string KeyPrefix { get; set; } = "search:";

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        string? problem = null;
        try
        {
            ConfigurationOptions.Parse(Redis!);
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            yield return new ValidationResult($"{Section}:{nameof(Redis)} is not a Redis configuration string ({problem}); e.g. 127.0.0.1:6379", [nameof(Redis)]);
        }
    }
}
