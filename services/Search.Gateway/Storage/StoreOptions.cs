using Search.Gateway.Feedback;

namespace Search.Gateway.Storage;

/// <summary>
/// Configuration section "Gateway:Store": which engine keeps feedback, the query log and review actions. Empty (the
/// default): the embedded SQLite file (Gateway:Feedback:Database), right for one gateway. An Npgsql connection string:
/// all three in that PostgreSQL database, shared by every replica of a deployment.
/// </summary>
public sealed class StoreOptions
{
    public const string Section = "Gateway:Store";

    /// <summary>The setting's full name, as errors and docs give it.</summary>
    public const string PostgresSetting = Section + ":Postgres";

    /// <summary>"Host=…;Username=…;Password=…;Database=…"; when empty, Gateway:Feedback:Postgres (the older name) is read instead.</summary>
    public string Postgres { get; set; } = "";

    /// <summary>The PostgreSQL connection string in effect, and the setting it came from; "" when the stores use SQLite.</summary>
    public (string ConnectionString, string Setting) ResolvePostgres(FeedbackOptions feedback) =>
        Postgres.Length > 0 ? (Postgres, PostgresSetting)
        : feedback.Postgres.Length > 0 ? (feedback.Postgres, $"{FeedbackOptions.Section}:Postgres")
        : ("", "");
}
