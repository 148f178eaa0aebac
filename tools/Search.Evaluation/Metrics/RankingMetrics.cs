namespace Search.Evaluation;

/// <summary>
/// Ranking metrics as trec_eval computes them: graded gain with a log2 discount for nDCG,
/// the ideal ranking built from every judged document, relevance meaning a grade above zero.
/// </summary>
public static class RankingMetrics
{
    public static double NdcgAt(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged, int k)
    {
        var dcg = 0.0;
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (judged.TryGetValue(ranked[i], out var grade) && grade > 0)
            {
                dcg += grade / Math.Log2(i + 2);
            }
        }

        var ideal = judged.Values.Where(g => g > 0).OrderDescending().Take(k).Select((g, i) => g / Math.Log2(i + 2)).Sum();
        return ideal == 0 ? 0 : dcg / ideal;
    }

    public static double RecallAt(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged, int k)
    {
        var relevant = judged.Count(j => j.Value > 0);
        return relevant == 0 ? 0 : (double)ranked.Take(k).Count(d => judged.TryGetValue(d, out var g) && g > 0) / relevant;
    }

    public static double ReciprocalRankAt(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judged, int k)
    {
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (judged.TryGetValue(ranked[i], out var grade) && grade > 0)
            {
                return 1.0 / (i + 1);
            }
        }

        return 0;
    }

    /// <summary>Documents in the order of their best passage; later passages of a document add nothing.</summary>
    public static List<string> DocumentsByBestPassage(IEnumerable<string> passageDocumentIds) =>
        passageDocumentIds.Distinct(StringComparer.Ordinal).ToList();
}
