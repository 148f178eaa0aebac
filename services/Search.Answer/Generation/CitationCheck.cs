using System.Globalization;
using System.Text.RegularExpressions;

namespace Search.Answer.Generation;

/// <summary>A passage an answer cites: the n of "[n]" and the passage it points at.</summary>
public sealed record CitedPassage(int Index, string PassageId, string DocumentId);

/// <summary>The citations found in a generated answer, and why it must not be shown (empty when it may).</summary>
public sealed record CitationResult(IReadOnlyList<CitedPassage> Citations, string Problem)
{
    public bool Valid => Problem.Length == 0;
}

/// <summary>
/// Checks that a generated answer is grounded in what it was given: it cites at least one passage,
/// every citation ("[2]", "[1, 3]", "[1][2]") points at a passage that was sent, and each sentence is
/// supported by the passages it cites (<see cref="SupportCheck"/>).
/// </summary>
public static partial class CitationCheck
{
    public static CitationResult Check(string text, IReadOnlyList<GroundingPassage> passages)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new([], "the model returned no text");
        }

        var cited = new List<CitedPassage>();
        foreach (Match match in CitationMarks().Matches(text))
        {
            foreach (Capture capture in match.Groups["n"].Captures)
            {
                // A number too long to parse is out of range like any other.
                if (!int.TryParse(capture.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > passages.Count)
                {
                    return new([], $"the generated answer cites [{capture.Value}] but only passages [1]..[{passages.Count}] were given");
                }

                if (cited.All(c => c.Index != n))
                {
                    var passage = passages[n - 1];
                    cited.Add(new CitedPassage(n, passage.PassageId, passage.DocumentId));
                }
            }
        }

        if (cited.Count == 0)
        {
            return new([], "the generated answer cites no passage");
        }

        var unsupported = SupportCheck.Problem(text, passages);
        return unsupported.Length == 0 ? new(cited, "") : new([], unsupported);
    }

    /// <summary>The passage numbers a piece of text cites, in order of first citation.</summary>
    internal static IReadOnlyList<int> CitedIndexes(string text) =>
        CitationMarks().Matches(text)
            .SelectMany(m => m.Groups["n"].Captures)
            .Select(c => int.TryParse(c.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .Distinct()
            .ToList();

    /// <summary>The text with its citation marks removed.</summary>
    internal static string WithoutMarks(string text) => CitationMarks().Replace(text, " ");

    /// <summary>
    /// The text with marks that follow a sentence's end ("… in 1876. [1]") moved in front of it
    /// ("… in 1876 [1]."), so that each mark belongs to the sentence it follows.
    /// </summary>
    internal static string MarksBeforeSentenceEnds(string text) => MarksAfterStop().Replace(text, "${marks}${stop}");

    [GeneratedRegex(@"\[\s*(?<n>\d+)(?:\s*,\s*(?<n>\d+))*\s*\]")]
    private static partial Regex CitationMarks();

    [GeneratedRegex(@"(?<stop>[.!?。！？])(?<marks>(?:\s*\[\s*\d+(?:\s*,\s*\d+)*\s*\])+)")]
    private static partial Regex MarksAfterStop();
}
