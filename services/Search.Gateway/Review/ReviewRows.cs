using System.Data.Common;

namespace Search.Gateway.Review;

/// <summary>
/// Review actions read back from either engine: both stores select the same sixteen columns in the same order (id,
/// seq, at, kind, query, the passage's six fields, answer start and end, scope, written source, undone by).
/// </summary>
internal static class ReviewRows
{
    public static async Task<List<ReviewAction>> ReadAllAsync(DbDataReader r, CancellationToken ct)
    {
        var actions = new List<ReviewAction>();
        while (await r.ReadAsync(ct))
        {
            // A kind this build does not know (written by a newer one) is skipped rather than misread.
            if (!ReviewNames.TryParseKind(r.GetString(3), out var kind))
            {
                continue;
            }

            BlockScope? scope = r.IsDBNull(13) ? null : ReviewNames.TryParseScope(r.GetString(13), out var s) ? s : null;
            var passage = new ReviewedPassage(r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9), r.GetString(10));
            actions.Add(new ReviewAction(
                r.GetString(0),
                r.GetInt64(1),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
                new ReviewSubmission(kind, r.GetString(4), passage, r.GetInt32(11), r.GetInt32(12), scope, r.IsDBNull(14) ? null : r.GetString(14)),
                r.IsDBNull(15) ? null : r.GetString(15)));
        }

        return actions;
    }
}
