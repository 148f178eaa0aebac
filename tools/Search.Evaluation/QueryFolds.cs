using System.Globalization;

namespace Search.Evaluation;

/// <summary>
/// How judged retrieval queries (BEIR qrels) are split between fitting and measuring: by query id mod 4
/// (numeric ids, as SciFact's) or a stable hash of the id mod 4. Fold 3 is held out: <c>fit-rerank</c> never
/// fits on it and <c>eval beir --fold test</c> asks only it, so a figure measured there is out of sample.
/// </summary>
public static class QueryFolds
{
    public const int HeldOut = 3;
    public const int Count = 4;

    public static int Of(string queryId)
    {
        if (long.TryParse(queryId, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return (int)(number % Count);
        }

        // FNV-1a: string.GetHashCode is randomised per process, and the split must not move between runs.
        var hash = 2166136261u;
        foreach (var c in queryId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Count);
    }

    public static bool IsHeldOut(string queryId) => Of(queryId) == HeldOut;
}
