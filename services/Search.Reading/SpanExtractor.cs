using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Reading;

/// <summary>
/// Finds short spans of an expected type (person, time, number, place) inside a sentence,
/// in English and Chinese (either script). Pattern-based on purpose: every span it returns
/// can be explained, and it needs no model.
/// </summary>
public static partial class SpanExtractor
{
    /// <summary>Typed candidates inside <paramref name="sentence"/>, as ranges of <paramref name="text"/>, none nested in another.</summary>
    public static IReadOnlyList<SpanCandidate> Find(string text, TextRange sentence, ExpectedAnswer type)
    {
        if (type == ExpectedAnswer.None || sentence.Length <= 0)
        {
            return [];
        }

        var found = new List<SpanCandidate>();
        var s = text.Substring(sentence.Start, sentence.Length);
        var hasHan = s.Any(ChineseScript.IsHan);
        var hasLatin = s.Any(c => c < 0x250 && (char.IsLetterOrDigit(c)));
        if (hasLatin)
        {
            English(s, type, found);
        }

        if (hasHan)
        {
            Chinese(s, type, found);
        }

        return Outermost(found, sentence.Start);
    }

    /// <summary>
    /// The people <paramref name="sentence"/> names as notices name them (after a role, a verb that takes a person, before
    /// a verb a person does or a form of address), as ranges of <paramref name="text"/>: the finder's cues that
    /// encyclopedia prose rarely uses.
    /// </summary>
    public static IReadOnlyList<SpanCandidate> NoticeNames(string text, TextRange sentence)
    {
        var found = new List<SpanCandidate>();
        NoticePerson(text.Substring(sentence.Start, sentence.Length), found);
        return Outermost(found, sentence.Start);
    }

    private static void English(string s, ExpectedAnswer type, List<SpanCandidate> found)
    {
        switch (type)
        {
            case ExpectedAnswer.Time:
                EnglishTime(s, found);
                break;
            case ExpectedAnswer.Number:
                EnglishNumber(s, found);
                PhoneNumbers(s, found);
                break;
            case ExpectedAnswer.Person:
            case ExpectedAnswer.Place:
                EnglishNames(s, type, found);
                break;
        }
    }

    /// <summary>
    /// A telephone number is one answer, not three counts: "400-820-1688", "0571-8688-2231", "020 7946 0321", "+44 20
    /// 7946 0321". Seven digits or more in groups, starting with 0, + or a bracket, or three groups or more joined by
    /// hyphens; not years ("1998-2004-2011") or a date ("2026-12-06").
    /// </summary>
    private static void PhoneNumbers(string s, List<SpanCandidate> found)
    {
        foreach (var m in PhoneNumberMatches(s))
        {
            Add(found, m.Index, m.Index + m.Length, ExpectedAnswer.Number, 0.7);
        }
    }

    /// <summary>Whether <paramref name="text"/> holds a telephone number as <see cref="PhoneNumbers"/> finds them.</summary>
    public static bool HoldsPhoneNumber(string text) => PhoneNumberMatches(text).Any();

    /// <summary>
    /// Where <paramref name="text"/> may hold a telephone number: seven digits or more, in groups or not, that are not a
    /// date or years. Looser than <see cref="PhoneNumbers"/>, for text already known to answer a question about one:
    /// "2561 0832" of "可致電熱線2561 0832" starts with neither 0 nor +.
    /// </summary>
    public static IEnumerable<TextRange> LikelyPhoneNumbers(string text) =>
        PhoneShaped(text).Concat(DigitRun().Matches(text)).Select(m => new TextRange(m.Index, m.Index + m.Length));

    [GeneratedRegex(@"(?<![0-9])[0-9]{7,12}(?![0-9])")]
    private static partial Regex DigitRun();

    /// <summary>The telephone numbers <see cref="PhoneNumbers"/> types: phone-shaped and marked by a leading 0, + or bracket, or by three hyphenated groups.</summary>
    private static IEnumerable<Match> PhoneNumberMatches(string s) =>
        PhoneShaped(s).Where(m => m.Value[0] is '0' or '+' or '(' || m.Value.Split('-').Length >= 3);

    /// <summary>Groups of digits with seven digits or more that are not an ISO date or a run of years.</summary>
    private static IEnumerable<Match> PhoneShaped(string s) => PhoneNumber().Matches(s)
        .Where(m => m.Value.Count(char.IsAsciiDigit) >= 7 && !IsoDate().IsMatch(m.Value) && !Years().IsMatch(m.Value));

    [GeneratedRegex(@"^(?:1[89]|20)[0-9]{2}-[01]?[0-9]-[0-3]?[0-9]$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^(?:(?:1[0-9]|20)[0-9]{2}-)+(?:1[0-9]|20)[0-9]{2}$")]
    private static partial Regex Years();

    [GeneratedRegex(@"(?<![0-9A-Za-z.,+-])(?:\+[0-9]{1,3}[ -]?)?(?:\([0-9]{2,5}\)[ -]?)?[0-9]{2,5}(?:[ -][0-9]{2,5}){1,3}(?![0-9A-Za-z,-]|\.[0-9])")]
    private static partial Regex PhoneNumber();

    private static void Chinese(string s, ExpectedAnswer type, List<SpanCandidate> found)
    {
        switch (type)
        {
            case ExpectedAnswer.Time:
                ChineseTime(s, found);
                break;
            case ExpectedAnswer.Number:
                ChineseNumber(s, found);
                PhoneNumbers(s, found);
                break;
            case ExpectedAnswer.Person:
                ChinesePerson(s, found);
                break;
            case ExpectedAnswer.Place:
                ChinesePlace(s, found);
                break;
        }
    }

    /// <summary>
    /// Drops candidates nested inside a longer one ("2016" inside "February 7, 2016"), keeps the
    /// best prior per range, and shifts ranges from sentence to passage coordinates.
    /// </summary>
    private static List<SpanCandidate> Outermost(List<SpanCandidate> found, int shift)
    {
        var result = new List<SpanCandidate>();
        foreach (var c in found.OrderByDescending(c => c.Range.Length).ThenByDescending(c => c.Prior))
        {
            if (c.Range.Length <= 0)
            {
                continue;
            }

            var nested = false;
            for (var i = 0; i < result.Count; i++)
            {
                var r = result[i].Range;
                if (c.Range.Start >= r.Start && c.Range.End <= r.End)
                {
                    // A nested candidate with a stronger cue lends it to the outer one.
                    if (c.Prior > result[i].Prior)
                    {
                        result[i] = result[i] with { Prior = c.Prior };
                    }

                    nested = true;
                    break;
                }
            }

            if (!nested)
            {
                result.Add(c);
            }
        }

        return result
            .Select(c => c with { Range = new TextRange(c.Range.Start + shift, c.Range.End + shift) })
            .OrderBy(c => c.Range.Start)
            .ToList();
    }

    /// <summary>Every match of a pattern, whole, as a candidate of <paramref name="type"/>.</summary>
    private static void AddMatches(List<SpanCandidate> found, MatchCollection matches, ExpectedAnswer type, double prior)
    {
        foreach (Match m in matches)
        {
            Add(found, m.Index, m.Index + m.Length, type, prior);
        }
    }

    private static void Add(List<SpanCandidate> found, int start, int end, ExpectedAnswer type, double prior)
    {
        if (end > start)
        {
            found.Add(new SpanCandidate(new TextRange(start, end), type, prior));
        }
    }
}
