using System.ComponentModel.DataAnnotations;

namespace Search.Gateway.QueryLog;

/// <summary>
/// Configuration section "Gateway:QueryLog": which searches are recorded and how many are kept. The log lives in the
/// gateway's database file (Gateway:Feedback:Database), or in PostgreSQL, one log for every replica, when
/// Gateway:Store:Postgres is set.
/// </summary>
public sealed class QueryLogOptions
{
    public const string Section = "Gateway:QueryLog";

    /// <summary>The share of searches recorded, from 0 (none) to 1 (every search).</summary>
    [Range(0.0, 1.0)]
    public double SampleRate { get; set; } = 1.0;

    /// <summary>The most entries kept: past it the oldest are deleted as new ones are written.</summary>
    [Range(1, 100_000_000)]
    public int MaxEntries { get; set; } = 1_000_000;

    /// <summary>Entries waiting to be written; a search that finds the queue full is not recorded (and is counted).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most entries written in one transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;
}
