namespace Search.Gateway.Feedback;

/// <summary>What a person said about an answer box.</summary>
public enum FeedbackKind
{
    Helpful,
    NotHelpful,

    /// <summary>"Report a wrong answer", optionally with what the answer should have been.</summary>
    WrongAnswer,
}

/// <summary>
/// One valid piece of feedback, tied to what was shown: the query, the answer text, its passage and the answer model's
/// version. Nothing about who sent it (no address, no session) is part of it.
/// </summary>
public sealed record FeedbackSubmission(
    FeedbackKind Kind, string Query, string Answer, string PassageId, string ModelVersion, string? Correction);

/// <summary>A stored <see cref="FeedbackSubmission"/> with its id and when it was acknowledged.</summary>
public sealed record FeedbackEntry(string Id, DateTimeOffset CreatedAt, FeedbackSubmission Submission);

/// <summary>The feedback kinds' names on the wire (REST JSON and the page): helpful, not_helpful, wrong_answer.</summary>
public static class FeedbackKinds
{
    public const string Helpful = "helpful";
    public const string NotHelpful = "not_helpful";
    public const string WrongAnswer = "wrong_answer";

    public static bool TryParse(string name, out FeedbackKind kind)
    {
        (var known, kind) = name switch
        {
            Helpful => (true, FeedbackKind.Helpful),
            NotHelpful => (true, FeedbackKind.NotHelpful),
            WrongAnswer => (true, FeedbackKind.WrongAnswer),
            _ => (false, default),
        };
        return known;
    }

    public static string Name(this FeedbackKind kind) => kind switch
    {
        FeedbackKind.Helpful => Helpful,
        FeedbackKind.NotHelpful => NotHelpful,
        FeedbackKind.WrongAnswer => WrongAnswer,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a feedback kind with no name"),
    };
}
