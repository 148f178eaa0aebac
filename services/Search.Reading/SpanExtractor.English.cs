using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Reading;

public static partial class SpanExtractor
{
    private const string Month =
        "(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\\.?";

    private const string Era = "(?:\\s*(?:BC|BCE|AD|CE|B\\.C\\.|A\\.D\\.))";

    // Capitalised words that start sentences or clauses rather than names.
    private static readonly HashSet<string> LeadingWords = new(StringComparer.Ordinal)
    {
        "The", "A", "An", "In", "On", "At", "By", "For", "From", "With", "Without", "To", "Of", "As", "After", "Before",
        "During", "When", "While", "Although", "Though", "Since", "Because", "If", "Unlike", "Like", "Under", "Over",
        "He", "She", "It", "They", "We", "I", "You", "His", "Her", "Its", "Their", "Our", "This", "That", "These", "Those",
        "There", "Here", "However", "Thus", "Then", "Also", "But", "And", "Or", "Nor", "So", "Yet", "Many", "Some", "Most",
        "Both", "Each", "Every", "All", "Several", "Other", "Another", "Such", "According", "Despite", "Following",
        "Between", "Among", "Through", "Throughout", "Within", "Into", "Upon", "Near", "About", "Around", "Against",
        "Later", "Early", "Today", "Currently", "Originally", "Initially", "Finally", "Meanwhile", "Instead", "Only",
        "Not", "No", "Yes", "What", "Which", "Who", "Where", "Why", "How",
    };

    private static readonly HashSet<string> CalendarWords = new(StringComparer.Ordinal)
    {
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    };

    // Words that make a capitalised sequence an organisation or a thing rather than a person.
    private static readonly HashSet<string> NotPersonWords = new(StringComparer.Ordinal)
    {
        "University", "College", "School", "Institute", "Company", "Corporation", "Inc", "Ltd", "Church", "Empire",
        "Kingdom", "Republic", "Party", "Army", "Navy", "Council", "Court", "Act", "Treaty", "War", "Battle", "Museum",
        "Library", "Hospital", "Award", "Prize", "Cup", "League", "Association", "Society", "Foundation", "Department",
        "Ministry", "Bank", "River", "Ocean", "Sea", "Lake", "Mountain", "Mountains", "Island", "Islands", "City", "County",
        "State", "States", "Province", "Street", "Park", "Bridge", "Station", "Airport", "Stadium", "Bay", "Valley",
        "Road", "Avenue", "Lane", "Square", "Market", "Centre", "Center", "Hall", "Terminal", "Line", "Route",
    };

    private static readonly HashSet<string> PlaceWords = new(StringComparer.Ordinal)
    {
        "River", "Ocean", "Sea", "Lake", "Mountain", "Mountains", "Mount", "Island", "Islands", "City", "County", "State",
        "Province", "Street", "Park", "Bridge", "Station", "Airport", "Stadium", "Bay", "Valley", "Desert", "Coast",
        "Peninsula", "Region", "Square", "Hall", "Palace", "Castle", "Cathedral", "Gulf", "Strait", "Canal", "Basin",
    };

    private static void EnglishTime(string s, List<SpanCandidate> found)
    {
        AddMatches(found, EnglishDate().Matches(s), ExpectedAnswer.Time, 0.9);
        AddMatches(found, EnglishDecadeOrCentury().Matches(s), ExpectedAnswer.Time, 0.7);
        AddMatches(found, EnglishYear().Matches(s), ExpectedAnswer.Time, 0.6);
        AddMatches(found, EnglishClock().Matches(s), ExpectedAnswer.Time, 0.8);
    }

    private static void EnglishNumber(string s, List<SpanCandidate> found)
    {
        foreach (Match m in EnglishDigits().Matches(s))
        {
            var value = m.Groups["n"].Value;
            var bare = m.Length == value.Length;
            // A bare four-digit 1000–2099 is almost always a year, and a number glued to a month is a date.
            if (bare && value.Length == 4 && value[0] is '1' or '2' && !value.Contains(',', StringComparison.Ordinal) && !value.Contains('.', StringComparison.Ordinal))
            {
                continue;
            }

            if (FollowsMonth(s, m.Index) || InClockTime(s, m.Index, m.Index + m.Length))
            {
                continue;
            }

            Add(found, m.Index, m.Index + m.Length, ExpectedAnswer.Number, bare ? 0.5 : 0.8);
        }

        foreach (Match m in EnglishNumberWords().Matches(s))
        {
            // "one of the" is a figure of speech far more often than a count.
            var prior = m.Value.Equals("one", StringComparison.OrdinalIgnoreCase) ? 0.1 : 0.45;
            Add(found, m.Index, m.Index + m.Length, ExpectedAnswer.Number, prior);
        }
    }

    private static void EnglishNames(string s, ExpectedAnswer type, List<SpanCandidate> found)
    {
        foreach (Match m in CapitalisedSequence().Matches(s))
        {
            var (start, end) = TrimName(s, m.Index, m.Index + m.Length);
            if (end <= start)
            {
                continue;
            }

            var words = s[start..end].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.All(w => CalendarWords.Contains(w) || LeadingWords.Contains(w)))
            {
                continue;
            }

            var before = s[Math.Max(0, start - 24)..start];
            if (type == ExpectedAnswer.Person)
            {
                var prior = 0.4;
                if (words.Any(NotPersonWords.Contains))
                {
                    prior = 0.15;
                }
                else if (words.Length is 2 or 3)
                {
                    prior = 0.6;
                }

                if (ByCue().IsMatch(before))
                {
                    prior += 0.2;
                }

                Add(found, start, end, type, prior);
            }
            else
            {
                var prior = 0.3;
                if (PlaceCue().IsMatch(before))
                {
                    prior = 0.6;
                }

                if (words.Any(PlaceWords.Contains))
                {
                    prior += 0.2;
                }

                Add(found, start, end, type, prior);
            }
        }
    }

    /// <summary>Drops leading clause words ("The", "In") and a trailing possessive from a capitalised run.</summary>
    private static (int Start, int End) TrimName(string s, int start, int end)
    {
        while (start < end)
        {
            var space = s.IndexOf(' ', start, end - start);
            var word = space < 0 ? s[start..end] : s[start..space];
            if (!LeadingWords.Contains(word) && !CalendarWords.Contains(word))
            {
                break;
            }

            start = space < 0 ? end : space + 1;
        }

        if (end - start > 2 && (s[(end - 2)..end] is "'s" or "’s"))
        {
            end -= 2;
        }

        while (end > start && s[end - 1] is '-' or '\'' or '’' or '.' && !(end - start >= 2 && char.IsUpper(s[end - 2]) && s[end - 1] == '.'))
        {
            end--;
        }

        return (start, end);
    }

    /// <summary>A figure of a time of day ("8" or "30" of "8:30") is not a count.</summary>
    private static bool InClockTime(string s, int start, int end) =>
        (end + 1 < s.Length && s[end] == ':' && char.IsAsciiDigit(s[end + 1]))
        || (start >= 2 && s[start - 1] == ':' && char.IsAsciiDigit(s[start - 2]));

    private static bool FollowsMonth(string s, int index)
    {
        var before = s[Math.Max(0, index - 12)..index];
        return MonthBefore().IsMatch(before);
    }

    [GeneratedRegex(
        $@"\b(?:{Month}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{3,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{Month},?\s+\d{{3,4}}|{Month},?\s+\d{{4}}|{Month}\s+\d{{1,2}}(?:st|nd|rd|th)?)\b{Era}?")]
    private static partial Regex EnglishDate();

    [GeneratedRegex(
        @"\b(?:(?:early|mid|late)[\s\-])?(?:\d{2,4}'?s|'\d0s)\b|\b(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)[\s\-]century(?:\s*(?:BC|BCE|AD|CE))?",
        RegexOptions.IgnoreCase)]
    private static partial Regex EnglishDecadeOrCentury();

    [GeneratedRegex($@"(?<![\w.,$£€])(?:(?:AD|CE)\s+)?(?:1\d{{3}}|20\d{{2}}|\d{{1,4}}(?={Era}))(?:\s*[–\-]\s*\d{{2,4}})?{Era}?(?![\w.,]\d|\w)")]
    private static partial Regex EnglishYear();

    // A time of day: "8:30", "18:00", "6 pm", "6.30 a.m.", noon ("12 noon" whole), midnight.
    [GeneratedRegex(@"(?<![\w.:])\d{1,2}[:.]\d{2}\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)|(?<![\w.:])\d{1,2}:\d{2}(?![\w:])|(?<![\w.:])\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)|\b(?:12\s+)?(?:noon|midday|midnight)\b", RegexOptions.IgnoreCase)]
    internal static partial Regex EnglishClock();

    [GeneratedRegex(
        @"(?<![\w.,])(?:[$£€¥]\s?)?(?<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?[–\-]\s?\d+(?:\.\d+)?)?(?:\s?(?:%|percent\b|per\s+cent\b))?(?:\s+(?:hundred|thousand|million|billion|trillion)\b)?(?:\s?(?:square\s+)?(?:miles?|km|kilomet(?:re|er)s?|met(?:re|er)s?|m|feet|foot|ft|inch(?:es)?|cm|mm|yards?|acres?|hectares?|kg|kilograms?|grams?|pounds?|lbs?|tons?|tonnes?|ounces?|degrees?|°\s?[CF]?|years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|mph|km/h|dollars?|euros?|people|times|percent)\b)?(?![\w,]\d)")]
    private static partial Regex EnglishDigits();

    [GeneratedRegex(
        @"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|dozens|hundreds|thousands|millions|half)(?:[\s\-](?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion))*\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex EnglishNumberWords();

    [GeneratedRegex(
        @"(?<![\p{L}\p{M}])(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof|Rev|Sir|Dame|Capt|Col|Gen|Lt|Sgt|Hon)\.?(?=\s+\p{Lu})|\p{Lu}\.|\p{Lu}[\p{L}\p{M}'’\-]*)(?:\s+(?:(?:de|da|di|van|von|der|den|del|la|le|du|bin|ibn|al|of|the|y)\s+)*(?:\p{Lu}\.|\p{Lu}[\p{L}\p{M}'’\-]*))*")]
    private static partial Regex CapitalisedSequence();

    [GeneratedRegex(@"\b(?:by|named|called|led by|founded by)\s+$", RegexOptions.IgnoreCase)]
    private static partial Regex ByCue();

    [GeneratedRegex(@"\b(?:in|at|from|near|into|across|within|throughout|outside|to|located|based|born|capital of)\s+(?:the\s+)?$", RegexOptions.IgnoreCase)]
    private static partial Regex PlaceCue();

    [GeneratedRegex($@"\b{Month},?\s*$")]
    private static partial Regex MonthBefore();
}
