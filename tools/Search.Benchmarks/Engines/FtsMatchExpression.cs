using System.Globalization;
using System.Text;

namespace Search.Benchmarks.Engines;

/// <summary>
/// Turns user text into an FTS5 MATCH expression that is never read as syntax: each distinct word becomes
/// a double-quoted string (a term to FTS5, whatever it spells: OR, NEAR, a column name, a trailing *),
/// and the strings are joined by OR, so a document needs any one of them, as in the service's BM25 query.
/// </summary>
public static class FtsMatchExpression
{
    /// <summary>The expression for <paramref name="query"/>, or null when it has no word at all.</summary>
    public static string? From(string query)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in query.EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                word.Append(rune.ToString());
            }
            else
            {
                EndWord();
            }
        }

        EndWord();
        return terms.Count == 0 ? null : string.Join(" OR ", terms);

        void EndWord()
        {
            if (word.Length > 0 && seen.Add(word.ToString()))
            {
                // A quote inside a string is written twice; words never hold one, but the rule is the rule.
                terms.Add('"' + word.ToString().Replace("\"", "\"\"", StringComparison.Ordinal) + '"');
            }

            word.Clear();
        }
    }

    // Letters, digits and combining marks: what unicode61 keeps as token characters by default.
    private static bool IsWordRune(Rune rune) =>
        Rune.IsLetterOrDigit(rune)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
