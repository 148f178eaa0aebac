using System.Globalization;

namespace Search.Text;

/// <summary>
/// Lengths as people count them: a character is a text element (a grapheme cluster: an astral character, a letter
/// with its combining marks, an emoji sequence), not a UTF-16 unit. Every limit the README states in characters is
/// checked with <see cref="Exceeds"/>, on the text as it arrived, before any normalisation.
/// </summary>
public static class TextLength
{
    /// <summary>
    /// Most UTF-16 units a text may spend per allowed character. A text element has no bounded size (a letter can carry
    /// any number of combining marks), so a text of n characters is refused past 16·n units too: real text stays far
    /// below (an emoji family sequence is 11 units), and the work a check or a normalisation does stays bounded.
    /// </summary>
    public const int MaxUnitsPerCharacter = 16;

    /// <summary>The number of text elements in <paramref name="text"/>.</summary>
    public static int Characters(string? text) =>
        string.IsNullOrEmpty(text) ? 0 : Count(text, int.MaxValue);

    /// <summary>
    /// True when <paramref name="text"/> is longer than <paramref name="maxCharacters"/> characters (or than
    /// <see cref="MaxUnitsPerCharacter"/> UTF-16 units for each of them). Stops counting at the limit.
    /// </summary>
    public static bool Exceeds(string? text, int maxCharacters)
    {
        if (string.IsNullOrEmpty(text) || text.Length <= maxCharacters)
        {
            // A text element holds at least one unit: no more units than the limit, no more characters.
            return false;
        }

        if (text.Length > (long)maxCharacters * MaxUnitsPerCharacter)
        {
            return true;
        }

        return Count(text, maxCharacters + 1) > maxCharacters;
    }

    /// <summary>"query has 1234 characters; at most 1000 are accepted", counting as <see cref="Exceeds"/> does.</summary>
    public static string TooLong(string field, string text, int maxCharacters) =>
        text.Length > (long)maxCharacters * MaxUnitsPerCharacter
            ? string.Create(CultureInfo.InvariantCulture, $"{field} has {text.Length} UTF-16 units, more than {MaxUnitsPerCharacter} for each of the {maxCharacters} characters accepted")
            : string.Create(CultureInfo.InvariantCulture, $"{field} has {Characters(text)} characters; at most {maxCharacters} are accepted");

    private static int Count(string text, int stopAt)
    {
        var count = 0;
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (count < stopAt && enumerator.MoveNext())
        {
            count++;
        }

        return count;
    }
}
