using System.Globalization;
using System.Text;

namespace Search.Evaluation;

/// <summary>
/// Answer-string metrics as open-domain QA papers report them. English follows the SQuAD v1.1 script
/// (lower-case, drop ASCII punctuation and the articles a/an/the, whitespace tokens); Chinese follows
/// CMRC 2018 (character level: each Han character is a token, runs of Latin letters and digits are tokens,
/// punctuation, symbols and whitespace dropped). No I/O.
/// </summary>
public static class AnswerMetrics
{
    private static readonly HashSet<string> Articles = ["a", "an", "the"];

    /// <summary>True when the text holds at least one Han character.</summary>
    public static bool ContainsHan(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsHan(rune))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Chinese scoring applies when the question or any gold answer contains Han characters.</summary>
    public static bool IsChinese(string question, IEnumerable<string> golds) => ContainsHan(question) || golds.Any(ContainsHan);

    /// <summary>The SQuAD normal form of an English answer.</summary>
    public static string NormalizeEnglish(string text) => string.Join(' ', EnglishTokens(text));

    /// <summary>The tokens an answer is scored on.</summary>
    public static IReadOnlyList<string> Tokens(string text, bool chinese) => chinese ? ChineseTokens(text) : EnglishTokens(text);

    /// <summary>1 when the normalised prediction equals any normalised gold answer, else 0.</summary>
    public static double ExactMatch(string prediction, IReadOnlyList<string> golds, bool chinese)
    {
        var predicted = Tokens(prediction, chinese);
        foreach (var gold in golds)
        {
            if (predicted.SequenceEqual(Tokens(gold, chinese), StringComparer.Ordinal))
            {
                return 1;
            }
        }

        return 0;
    }

    /// <summary>The best token F1 of the prediction against any gold answer (0 when there is none).</summary>
    public static double F1(string prediction, IReadOnlyList<string> golds, bool chinese)
    {
        var predicted = Tokens(prediction, chinese);
        var best = 0.0;
        foreach (var gold in golds)
        {
            best = Math.Max(best, F1(predicted, Tokens(gold, chinese)));
        }

        return best;
    }

    /// <summary>Token F1 of two token lists (bag-of-tokens overlap, as the official scripts count it).</summary>
    public static double F1(IReadOnlyList<string> predicted, IReadOnlyList<string> gold)
    {
        if (predicted.Count == 0 || gold.Count == 0)
        {
            return predicted.Count == gold.Count ? 1 : 0;
        }

        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in gold)
        {
            remaining[token] = remaining.GetValueOrDefault(token) + 1;
        }

        var same = 0;
        foreach (var token in predicted)
        {
            if (remaining.TryGetValue(token, out var count) && count > 0)
            {
                remaining[token] = count - 1;
                same++;
            }
        }

        if (same == 0)
        {
            return 0;
        }

        var precision = (double)same / predicted.Count;
        var recall = (double)same / gold.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>
    /// True when some gold answer, normalised, occurs inside the normalised answer text as a whole run of
    /// tokens ("10" is not found in "2010"). An answer that normalises to nothing is never contained.
    /// </summary>
    public static bool ContainsAnyGold(string answerText, IReadOnlyList<string> golds, bool chinese)
    {
        var haystack = Tokens(answerText, chinese);
        foreach (var gold in golds)
        {
            var needle = Tokens(gold, chinese);
            if (needle.Count > 0 && IndexOf(haystack, needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int IndexOf(IReadOnlyList<string> haystack, IReadOnlyList<string> needle)
    {
        for (var start = 0; start + needle.Count <= haystack.Count; start++)
        {
            var match = true;
            for (var i = 0; i < needle.Count && match; i++)
            {
                match = string.Equals(haystack[start + i], needle[i], StringComparison.Ordinal);
            }

            if (match)
            {
                return start;
            }
        }

        return -1;
    }

    private static List<string> EnglishTokens(string text)
    {
        // SQuAD drops Python's string.punctuation (ASCII only) without inserting a space: "U.S." -> "us".
        var kept = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (!(c < 128 && (char.IsPunctuation(c) || char.IsSymbol(c))))
            {
                kept.Append(c);
            }
        }

        var tokens = new List<string>();
        foreach (var token in kept.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Articles.Contains(token))
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    private static List<string> ChineseTokens(string text)
    {
        var tokens = new List<string>();
        var run = new StringBuilder();
        foreach (var rune in text.ToLowerInvariant().EnumerateRunes())
        {
            if (IsHan(rune))
            {
                Flush(run, tokens);
                tokens.Add(rune.ToString());
            }
            else if (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.OtherNumber or UnicodeCategory.LetterNumber)
            {
                run.Append(rune.ToString());
            }
            else if (Rune.IsWhiteSpace(rune) || Rune.IsPunctuation(rune) || Rune.IsSymbol(rune) || Rune.IsControl(rune))
            {
                Flush(run, tokens);
            }
            else
            {
                Flush(run, tokens);
                tokens.Add(rune.ToString());
            }
        }

        Flush(run, tokens);
        return tokens;
    }

    private static void Flush(StringBuilder run, List<string> tokens)
    {
        if (run.Length > 0)
        {
            tokens.Add(run.ToString());
            run.Clear();
        }
    }

    private static bool IsHan(Rune rune) => rune.Value switch
    {
        >= 0x4E00 and <= 0x9FFF => true,   // CJK Unified Ideographs
        >= 0x3400 and <= 0x4DBF => true,   // Extension A
        >= 0xF900 and <= 0xFAFF => true,   // Compatibility Ideographs
        >= 0x20000 and <= 0x3134F => true, // Extensions B-G and compatibility supplement
        _ => false,
    };
}
