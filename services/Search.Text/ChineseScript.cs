using Lucene.Net.Analysis.CharFilters;

namespace Search.Text;

/// <summary>
/// Folding of Traditional Chinese characters to their Simplified forms, so that a
/// question in either script finds passages in both. The table maps one character
/// to one character, which keeps every offset into the original text valid.
/// </summary>
public static partial class ChineseScript
{
    private static readonly Dictionary<char, char> TraditionalToSimplified = BuildTable();
    private static readonly HashSet<char> SimplifiedOnly = BuildSimplifiedOnly();

    /// <summary>The Lucene char map used by <see cref="SearchAnalyzer"/>.</summary>
    public static NormalizeCharMap CharMap { get; } = BuildCharMap();

    /// <summary>Number of Traditional → Simplified pairs known.</summary>
    public static int PairCount => TraditionalToSimplified.Count;

    public static char ToSimplified(char c) => TraditionalToSimplified.GetValueOrDefault(c, c);

    public static string ToSimplified(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = ToSimplified(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>A character written only in Traditional script (it has a different Simplified form).</summary>
    public static bool IsTraditionalOnly(char c) => TraditionalToSimplified.ContainsKey(c);

    /// <summary>A character written only in Simplified script.</summary>
    public static bool IsSimplifiedOnly(char c) => SimplifiedOnly.Contains(c);

    public static bool IsHan(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';

    private static Dictionary<char, char> BuildTable()
    {
        var table = new Dictionary<char, char>();
        var pairs = Pairs;
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            // Each pair is Traditional then Simplified; identical pairs would be no-ops.
            if (pairs[i] != pairs[i + 1])
            {
                table.TryAdd(pairs[i], pairs[i + 1]);
            }
        }

        return table;
    }

    private static HashSet<char> BuildSimplifiedOnly()
    {
        var set = new HashSet<char>(TraditionalToSimplified.Values);
        set.ExceptWith(TraditionalToSimplified.Keys);
        set.ExceptWith(SharedForms);
        return set;
    }

    private static NormalizeCharMap BuildCharMap()
    {
        var builder = new NormalizeCharMap.Builder();
        foreach (var (traditional, simplified) in TraditionalToSimplified)
        {
            builder.Add(traditional.ToString(), simplified.ToString());
        }

        return builder.Build();
    }
}
