using System.Data.Common;

namespace Search.Gateway.Feedback;

/// <summary>
/// Feedback read back from either engine: both stores select id, created_at_ms, kind, query, answer, passage_id,
/// model_version and correction, in that order.
/// </summary>
internal static class FeedbackRows
{
    public static async Task<List<FeedbackEntry>> ReadAllAsync(DbDataReader reader, CancellationToken ct)
    {
        var entries = new List<FeedbackEntry>();
        while (await reader.ReadAsync(ct))
        {
            // A kind this build does not know (written by a newer one) is skipped rather than misreported.
            if (!FeedbackKinds.TryParse(reader.GetString(2), out var kind))
            {
                continue;
            }

            entries.Add(new FeedbackEntry(
                reader.GetString(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                new FeedbackSubmission(kind, reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7))));
        }

        return entries;
    }
}
