using System.Globalization;
using System.Text;

namespace Search.Text;

/// <summary>
/// The one normalisation every service applies to user and document text:
/// NFKC, control characters dropped, whitespace collapsed, trimmed.
/// </summary>
public static class TextNormalizer
{
    /// <summary>Longest query the product accepts, in characters after normalisation.</summary>
    public const int MaxQueryLength = 1000;

    /// <summary>
    /// NFKC-normalises <paramref name="text"/>, turns every run of whitespace or
    /// control characters into one space and trims the ends.
    /// </summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // The gateway sends every stage the router's normalised query: checking it is one pass, and it is returned as it is.
        if (IsNormalized(text))
        {
            return text;
        }

        // NFKC throws on invalid UTF-16, so lone surrogates go first.
        var valid = HasLoneSurrogate(text) ? DropLoneSurrogates(text) : text;
        var nfkc = valid.IsNormalized(NormalizationForm.FormKC) ? valid : valid.Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(nfkc.Length);
        var pendingSpace = false;
        foreach (var c in nfkc)
        {
            if (char.IsWhiteSpace(c) || IsSeparator(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (IsInvisible(c))
            {
                // Soft hyphens, joiners and bidi marks sit inside words: drop them without splitting the word.
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>
    /// True when <see cref="Normalize"/> would return <paramref name="text"/> unchanged: no ends or runs of
    /// whitespace, no whitespace but the plain space, nothing invisible, no lone surrogate, and in NFKC.
    /// </summary>
    public static bool IsNormalized(string text)
    {
        if (text.Length == 0)
        {
            return true;
        }

        if (text[0] == ' ' || text[^1] == ' ')
        {
            return false;
        }

        var ascii = true;
        var previousSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ' ')
            {
                if (previousSpace)
                {
                    return false;
                }

                previousSpace = true;
                continue;
            }

            previousSpace = false;
            if (c < '\u0080')
            {
                if (c < ' ' || c == '\u007F')
                {
                    return false;
                }

                continue;
            }

            ascii = false;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                // A pair is kept as it is, like Normalize keeps it.
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || char.IsWhiteSpace(c) || IsSeparator(c) || IsInvisible(c))
            {
                return false;
            }
        }

        return ascii || text.IsNormalized(NormalizationForm.FormKC);
    }

    /// <summary>Control characters and the zero-width space separate words like a space does.</summary>
    private static bool IsSeparator(char c) =>
        char.GetUnicodeCategory(c) == UnicodeCategory.Control || c == '\u200B';

    /// <summary>
    /// Other format characters (soft hyphen, zero-width joiners, bidi overrides, BOM) carry
    /// no meaning for search and can hide text.
    /// </summary>
    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.Format;

    private static string DropLoneSurrogates(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else if (!char.IsSurrogate(text[i]))
            {
                sb.Append(text[i]);
            }
        }

        return sb.ToString();
    }

    /// <summary>True when the text contains a character that is not valid UTF-16 (a lone surrogate).</summary>
    public static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
