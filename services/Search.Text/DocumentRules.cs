using System.Globalization;
using System.Text;

namespace Search.Text;

/// <summary>
/// What a document must be to be stored: the one set of rules the gateway checks before it forwards a document and
/// retrieval checks again before it stores one. Each check returns the reason a document is refused, or null.
/// Lengths are characters as <see cref="TextLength"/> counts them, checked on the text as it arrived.
/// </summary>
public static class DocumentRules
{
    public const int MaxIdCharacters = 256;
    public const int MaxTitleCharacters = 512;
    public const int MaxUrlCharacters = 2048;

    /// <summary>Retrieval's default for <c>Retrieval:MaxDocumentChars</c>.</summary>
    public const int DefaultMaxTextCharacters = 1_000_000;

    /// <summary>The first reason <paramref name="maxTextCharacters"/> aside, in the order id, text, title, url; null when all pass.</summary>
    public static string? Problem(string? id, string? text, string? title, string? url, int maxTextCharacters) =>
        IdProblem(id) ?? TextProblem(text, maxTextCharacters) ?? TitleProblem(title) ?? UrlProblem(url);

    /// <summary>
    /// An id names one document everywhere, the REST route <c>DELETE /api/documents/{id}</c> included: so it is NFC
    /// (two spellings of one name are one id), has no control, invisible (bidi, zero-width) or unassigned characters,
    /// no whitespace but the inner space, no path separator and no "..", and is not ".".
    /// </summary>
    public static string? IdProblem(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return "id is missing";
        }

        if (TextLength.Exceeds(id, MaxIdCharacters))
        {
            return TextLength.TooLong("id", id, MaxIdCharacters);
        }

        if (CharacterProblem("id", id, strict: true) is { } character)
        {
            return character;
        }

        if (id.AsSpan().IndexOfAny('/', '\\') >= 0)
        {
            return "id contains a path separator ('/' or '\\')";
        }

        if (id == "." || id.Contains("..", StringComparison.Ordinal))
        {
            return "id is '.' or contains '..'";
        }

        if (id[0] == ' ' || id[^1] == ' ')
        {
            return "id begins or ends with a space";
        }

        if (!id.IsNormalized(NormalizationForm.FormC))
        {
            return "id is not in Unicode normalisation form C (NFC); send it normalised";
        }

        return null;
    }

    /// <summary>
    /// An id as a rejection may echo it: at most <see cref="MaxIdCharacters"/> UTF-16 units, broken surrogates replaced,
    /// so a refused id of megabytes or of invalid UTF-16 is never sent back whole.
    /// </summary>
    public static string Preview(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "";
        }

        var cut = id.Length <= MaxIdCharacters ? id : id[..(char.IsHighSurrogate(id[MaxIdCharacters - 1]) ? MaxIdCharacters - 1 : MaxIdCharacters)];
        return TextNormalizer.HasLoneSurrogate(cut)
            ? string.Concat(cut.Select(c => char.IsSurrogate(c) ? '\uFFFD' : c))
            : cut;
    }

    public static string? TextProblem(string? text, int maxCharacters)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "text is missing";
        }

        if (TextLength.Exceeds(text, maxCharacters))
        {
            return TextLength.TooLong("text", text, maxCharacters);
        }

        return TextNormalizer.HasLoneSurrogate(text) ? "text holds a broken surrogate pair" : null;
    }

    /// <summary>A title is one line of display text: no control characters, line breaks included.</summary>
    public static string? TitleProblem(string? title)
    {
        if (string.IsNullOrEmpty(title))
        {
            return null;
        }

        if (TextLength.Exceeds(title, MaxTitleCharacters))
        {
            return TextLength.TooLong("title", title, MaxTitleCharacters);
        }

        return CharacterProblem("title", title, strict: false);
    }

    /// <summary>A url is empty or an absolute http or https address with a host, without whitespace.</summary>
    public static string? UrlProblem(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        if (TextLength.Exceeds(url, MaxUrlCharacters))
        {
            return TextLength.TooLong("url", url, MaxUrlCharacters);
        }

        if (CharacterProblem("url", url, strict: true) is { } character)
        {
            return character;
        }

        if (url.Any(char.IsWhiteSpace))
        {
            return "url contains whitespace";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.Host.Length == 0)
        {
            return "url must be an absolute http or https address";
        }

        return null;
    }

    /// <summary>
    /// A broken surrogate pair, a control character or a line separator; with <paramref name="strict"/> (ids and urls,
    /// which are names, not prose) also an invisible, unassigned or whitespace character other than the space.
    /// </summary>
    private static string? CharacterProblem(string field, string value, bool strict)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return $"{field} holds a broken surrogate pair at position {i}";
            }

            i += used - 1;
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Control)
            {
                return $"{field} contains a control character (U+{rune.Value:X4})";
            }

            if (category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return $"{field} contains a line or paragraph separator (U+{rune.Value:X4})";
            }

            if (strict && category == UnicodeCategory.Format)
            {
                return $"{field} contains an invisible formatting character (U+{rune.Value:X4}; bidi controls and zero-width characters are refused)";
            }

            if (strict && category == UnicodeCategory.OtherNotAssigned)
            {
                return $"{field} contains an unassigned code point (U+{rune.Value:X4})";
            }

            if (strict && Rune.IsWhiteSpace(rune) && rune.Value != ' ')
            {
                return $"{field} contains whitespace other than the space (U+{rune.Value:X4})";
            }
        }

        return null;
    }
}
