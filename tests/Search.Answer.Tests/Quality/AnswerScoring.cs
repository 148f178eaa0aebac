using System.Text;
using Search.Text;

namespace Search.Answer.Tests.Quality;

/// <summary>
/// SQuAD v1.1 answer normalisation (lower-case, ASCII punctuation and a/an/the dropped, whitespace
/// tokens) and its CMRC counterpart for Chinese (each Han character a token, Latin/digit runs a token).
/// </summary>
internal static class AnswerScoring
{
    public static List<string> Tokens(string text, bool chinese) => chinese ? HanTokens(text) : EnglishTokens(text);

    public static double ExactMatch(string prediction, IReadOnlyList<string> golds, bool chinese)
    {
        var p = Tokens(prediction, chinese);
        return golds.Any(g => p.SequenceEqual(Tokens(g, chinese))) ? 1 : 0;
    }

    public static double F1(string prediction, IReadOnlyList<string> golds, bool chinese)
    {
        var p = Tokens(prediction, chinese);
        return golds.Select(g => F1(p, Tokens(g, chinese))).DefaultIfEmpty(0).Max();
    }

    /// <summary>Some gold answer occurs in the text as a whole run of tokens.</summary>
    public static bool Contains(string text, IReadOnlyList<string> golds, bool chinese)
    {
        var hay = Tokens(text, chinese);
        foreach (var gold in golds)
        {
            var needle = Tokens(gold, chinese);
            for (var s = 0; needle.Count > 0 && s + needle.Count <= hay.Count; s++)
            {
                if (hay.Skip(s).Take(needle.Count).SequenceEqual(needle))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static double F1(List<string> predicted, List<string> gold)
    {
        if (predicted.Count == 0 || gold.Count == 0)
        {
            return predicted.Count == gold.Count ? 1 : 0;
        }

        var left = gold.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        var same = 0;
        foreach (var t in predicted)
        {
            if (left.TryGetValue(t, out var n) && n > 0)
            {
                left[t] = n - 1;
                same++;
            }
        }

        if (same == 0)
        {
            return 0;
        }

        double precision = (double)same / predicted.Count, recall = (double)same / gold.Count;
        return 2 * precision * recall / (precision + recall);
    }

    private static List<string> EnglishTokens(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (!(c < 128 && (char.IsPunctuation(c) || char.IsSymbol(c))))
            {
                sb.Append(c);
            }
        }

        return sb.ToString()
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(t => t is not ("a" or "an" or "the"))
            .ToList();
    }

    private static List<string> HanTokens(string text)
    {
        var tokens = new List<string>();
        var run = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (ChineseScript.IsHan(c))
            {
                Flush();
                tokens.Add(c.ToString());
            }
            else if (char.IsLetterOrDigit(c))
            {
                run.Append(c);
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (run.Length > 0)
            {
                tokens.Add(run.ToString());
                run.Clear();
            }
        }
    }
}
