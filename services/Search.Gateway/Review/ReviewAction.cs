using Search.Text;

namespace Search.Gateway.Review;

public enum ReviewActionKind
{
    Confirm,
    Correct,
    Block,
    Undo,
}

/// <summary>What a block keeps from answering a query: one passage, or every passage of its document.</summary>
public enum BlockScope
{
    Passage,
    Document,
}

/// <summary>
/// The passage an action names, as it was when the reviewer acted (so the action and its export do not depend on the
/// index keeping it). A written correction's "passage" is the written text with its source's title and url, and no ids.
/// </summary>
public sealed record ReviewedPassage(string PassageId, string DocumentId, string Title, string Url, string Text, string Language);

/// <summary>A checked action, ready to store. <see cref="Query"/> is the review key (<see cref="ReviewQueries.Key"/>).</summary>
public sealed record ReviewSubmission(
    ReviewActionKind Kind, string Query, ReviewedPassage? Passage, int AnswerStart, int AnswerEnd, BlockScope? Scope, string? UndoOf)
{
    /// <summary>The confirmed or curated answer text.</summary>
    public string Answer => Passage is { } p && AnswerEnd > AnswerStart ? p.Text[AnswerStart..AnswerEnd] : "";
}

/// <summary>A stored action; <see cref="UndoneBy"/> is the id of the undo that took it back.</summary>
public sealed record ReviewAction(string Id, long Seq, DateTimeOffset At, ReviewSubmission Submission, string? UndoneBy)
{
    public bool InEffect => UndoneBy is null && Submission.Kind != ReviewActionKind.Undo;

    /// <summary>
    /// Why <paramref name="target"/>, found by <paramref name="actionId"/> (null: no such action), cannot be undone;
    /// empty when it can. Both stores ask inside the transaction that writes the undo.
    /// </summary>
    public static string UndoProblem(string actionId, ReviewAction? target) => target switch
    {
        null => $"there is no review action '{actionId}'",
        { Submission.Kind: ReviewActionKind.Undo } => $"'{actionId}' is an undo; to restore what it took back, take the action again",
        { UndoneBy: { } undoneBy } => $"'{actionId}' was already undone by '{undoneBy}'",
        _ => "",
    };
}

/// <summary>The wire names of kinds and scopes (REST, gRPC, the page, the database).</summary>
public static class ReviewNames
{
    public static string Name(this ReviewActionKind kind) => kind switch
    {
        ReviewActionKind.Confirm => "confirm",
        ReviewActionKind.Correct => "correct",
        ReviewActionKind.Block => "block",
        ReviewActionKind.Undo => "undo",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a review action with no name"),
    };

    public static string Name(this BlockScope scope) => scope == BlockScope.Document ? "document" : "passage";

    public static bool TryParseKind(string name, out ReviewActionKind kind)
    {
        (var known, kind) = name switch
        {
            "confirm" => (true, ReviewActionKind.Confirm),
            "correct" => (true, ReviewActionKind.Correct),
            "block" => (true, ReviewActionKind.Block),
            "undo" => (true, ReviewActionKind.Undo),
            _ => (false, default),
        };
        return known;
    }

    public static bool TryParseScope(string name, out BlockScope scope)
    {
        (var known, scope) = name switch
        {
            "passage" => (true, BlockScope.Passage),
            "document" => (true, BlockScope.Document),
            _ => (false, default),
        };
        return known;
    }
}

/// <summary>The one key review actions and their lookups use for a query.</summary>
public static class ReviewQueries
{
    /// <summary>
    /// The query normalised as search normalises it (NFKC, control characters out, spaces collapsed) and lower-cased,
    /// so "When was it built?" and "when was it  built?" share one review.
    /// </summary>
    public static string Key(string? query) => TextNormalizer.Normalize(query ?? "").ToLowerInvariant();
}
