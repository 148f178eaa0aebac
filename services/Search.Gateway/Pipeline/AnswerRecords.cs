namespace Search.Gateway.Pipeline;

/// <summary>
/// The answer service's reply: its best candidate, if any, whether it is confident enough to show, and whether the
/// neural reader was asked to stay out of an answer it would have read.
/// </summary>
public sealed record AnswerReply(AnswerBox? Candidate, bool Shown, bool ReaderSkipped = false, string AbstainReason = "");

/// <summary>A passage an answer cites: the n of "[n]" (1-based among the passages sent) and which passage that is.</summary>
public sealed record AnswerCitation(int Index, string PassageId, string DocumentId);

/// <summary>Text the model wrote from the passages, with citation marks "[n]".</summary>
public sealed record GeneratedAnswer(string Text, IReadOnlyList<AnswerCitation> Citations);

/// <summary>How the answer service's stream ended: the generated answer and whether it passed its checks, and the extractive reply to fall back on.</summary>
public sealed record GenerationOutcome(GeneratedAnswer? Generated, bool GeneratedShown, string FallbackReason, AnswerReply? Extractive);

/// <summary>The checked answer that ends a streamed search.</summary>
public sealed record StreamedAnswer(
    string GeneratedText,
    IReadOnlyList<AnswerCitation> Citations,
    bool GeneratedShown,
    string FallbackReason,
    AnswerBox? Answer,
    AnswerBox? AbstainedAnswer,
    bool Degraded,
    double TotalMs)
{
    public static StreamedAnswer None(string fallbackReason) => new("", [], false, fallbackReason, null, null, false, 0);

    /// <summary>What the whole streamed search cost each service (<see cref="SearchResponse.Costs"/>), set at the edge.</summary>
    public IReadOnlyList<StageCost> Costs { get; init; } = [];

    /// <summary>Provisional tokens were streamed and the generated answer then failed its checks: clients take them back.</summary>
    public bool Withdrawn { get; init; }

    /// <summary>What <see cref="Degraded"/> stands for when it is only the neural read of the extractive answer, left out under load.</summary>
    public bool ReaderSkipped { get; init; }
}

/// <summary>One event of a streamed search: the results first, then the answer's tokens in order, then the answer.</summary>
public abstract record SearchEvent;

public sealed record ResultsEvent(SearchResponse Results) : SearchEvent;

/// <summary>A piece of generated text, provisional until the <see cref="AnswerEvent"/> says it stands.</summary>
public sealed record TokenEvent(string Text) : SearchEvent;

public sealed record AnswerEvent(StreamedAnswer Answer) : SearchEvent;
