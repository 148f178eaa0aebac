using Search.Gateway.Pipeline;
using Search.Text;

namespace Search.Gateway.QueryLog;

/// <summary>
/// One search as the query log keeps it: what was asked (normalised) and what the gateway did with it. Nothing about
/// who asked (no address, no session, no raw query) is part of it.
/// </summary>
public sealed record QueryLogEntry(
    DateTimeOffset At,
    string Query,
    string Language,
    bool BoxShown,
    double? Confidence,
    string PassageId,
    bool Reviewed,
    IReadOnlyList<string> Degraded,
    double LatencyMs,
    bool Cached)
{
    /// <summary>The entry of a search's response.</summary>
    public static QueryLogEntry Of(SearchResponse response, DateTimeOffset at) =>
        Of(response, response.Answer, response.AbstainedAnswer, response.Degraded, response.TotalMs, response.Cached, at);

    /// <summary>The entry of a streamed search: its results event and its final answer.</summary>
    public static QueryLogEntry Of(SearchResponse results, StreamedAnswer answer, DateTimeOffset at)
    {
        IReadOnlyList<string> degraded = !answer.Degraded ? results.Degraded
            : answer.ReaderSkipped ? [.. results.Degraded, Degradations.Reader]
            : [.. results.Degraded, Stages.Answer];
        return Of(results, answer.Answer, answer.AbstainedAnswer, degraded, answer.TotalMs, cached: false, at) with
        {
            // A generated answer is a box too; its confidence is not the extractive model's.
            BoxShown = answer.GeneratedShown || answer.Answer is not null,
        };
    }

    private static QueryLogEntry Of(
        SearchResponse response, AnswerBox? shown, AnswerBox? abstained, IReadOnlyList<string> degraded, double latencyMs, bool cached, DateTimeOffset at)
    {
        // The abstained candidate (present only with include_abstained) still says how close the box came.
        var box = shown ?? abstained;
        return new QueryLogEntry(
            at,
            // The router normalises; normalising again changes nothing then, and covers the gateway's fallback route.
            TextNormalizer.Normalize(response.Route.NormalizedQuery),
            response.Route.Language.ToTag(),
            shown is not null,
            box?.Confidence,
            box?.Passage?.PassageId ?? "",
            shown?.Reviewed ?? false,
            degraded.Distinct(StringComparer.Ordinal).ToList(),
            latencyMs,
            cached);
    }
}

/// <summary>A normalised query as a review queue shows it: how often it was asked, and its latest outcome.</summary>
public sealed record QueryLogSummary(string Query, string Language, long Count, double? Confidence, string PassageId, DateTimeOffset LastAt);
