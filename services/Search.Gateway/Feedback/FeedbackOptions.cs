using System.ComponentModel.DataAnnotations;

namespace Search.Gateway.Feedback;

/// <summary>
/// Configuration section "Gateway:Feedback": where feedback is stored and how often one client may send it. One gateway
/// keeps it (with the query log and review actions) in an embedded SQLite file (<see cref="Database"/>, the default under
/// `make run`); replicas of a deployment share a PostgreSQL database instead (Gateway:Store:Postgres), so what one
/// replica stored every replica lists.
/// </summary>
public sealed class FeedbackOptions
{
    public const string Section = "Gateway:Feedback";

    /// <summary>The SQLite database file, resolved against the current directory; its folder is created when missing. Unused when PostgreSQL is set.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Database { get; set; } = ".data/gateway/feedback.db";

    /// <summary>
    /// The older name of Gateway:Store:Postgres (<see cref="Storage.StoreOptions"/>), read when that is empty: an Npgsql
    /// connection string puts feedback, the query log and review actions in that PostgreSQL database.
    /// </summary>
    public string Postgres { get; set; } = "";

    /// <summary>
    /// Feedback a client address may send per minute, on top of the gateway-wide limit (Gateway:RateLimit), which is
    /// sized for searches: a person clicks a few times a minute, a script filling the database does not. 0 turns it off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int PermitsPerMinute { get; set; } = 30;

    /// <summary>Feedback a client may send at once above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 10;

    /// <summary>Full path of <see cref="Database"/> (a method, so option validation never evaluates it).</summary>
    public string ResolveDatabasePath() => Path.GetFullPath(Database);
}
