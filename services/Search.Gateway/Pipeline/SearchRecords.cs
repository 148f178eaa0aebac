using Search.Text;

namespace Search.Gateway.Pipeline;

/// <summary>What a caller asks the gateway, from REST or gRPC.</summary>
public sealed record SearchQuery(string? Query, string? Language, int K, bool IncludeAbstained)
{
    /// <summary>
    /// What review decided for this query (a curated answer, blocked passages), set by the front doors from
    /// <c>ReviewRules</c>; none leaves the answer to the model alone (the review console's view of a query).
    /// </summary>
    public Search.Gateway.Review.QueryReview Review { get; init; } = Search.Gateway.Review.QueryReview.None;
}

/// <summary>What the person wants from the query.</summary>
public enum QueryIntent
{
    Unspecified = 0,
    Question = 1,
    Keyword = 2,
    Navigational = 3,
}

/// <summary>The router's decision about a query (or the gateway's own when the router cannot be asked).</summary>
public sealed record QueryRoute(
    string NormalizedQuery, TextLanguage Language, QueryIntent Intent, ExpectedAnswer AnswerType, bool ShouldAnswer, string Reason);

/// <summary>A window of a document as retrieval returns it; offsets are UTF-16 code units into the document text.</summary>
public sealed record Passage(
    string PassageId, string DocumentId, int Ordinal, string Title, string Url, string Text, TextLanguage Language, int StartOffset, int EndOffset)
{
    public static Passage Empty { get; } = new("", "", 0, "", "", "", TextLanguage.Unknown, 0, 0);
}

/// <summary>A fragment of a passage with the ranges that matched the query.</summary>
public sealed record Highlight(string Text, IReadOnlyList<TextRange> Spans);

/// <summary>
/// A passage with its scores as it moves from retrieval to rerank to answer. Everything a stage returned is
/// kept, so the next stage is sent exactly what the last one gave.
/// </summary>
public sealed record RankedPassage(
    Passage Passage, double Score, double RetrievalScore, Highlight? Highlight, double? Similarity, IReadOnlyList<SentenceSimilarity>? Sentences = null);

/// <summary>A sentence of a passage (a range of its text) and its similarity to the query, from retrieval's sentence vectors.</summary>
public sealed record SentenceSimilarity(TextRange Range, double Similarity);

/// <summary>How an answer was taken from its passage.</summary>
public enum AnswerKind
{
    Unspecified = 0,
    Span = 1,
    Sentence = 2,
}

/// <summary>A direct answer and the passage that supports it.</summary>
public sealed record AnswerBox(
    string Text, Passage? Passage, int AnswerStart, int AnswerEnd, double Confidence, AnswerKind Kind, TextRange? Sentence, string ShortAnswer)
{
    /// <summary>The answer model's version as the answer service reported it; <see cref="ReviewedVersion"/> for a curated answer.</summary>
    public string ModelVersion { get; init; } = "";

    /// <summary>A reviewer's curated answer, shown before anything the answer model finds.</summary>
    public bool Reviewed { get; init; }

    /// <summary>What chose the short answer: "neural &lt;version&gt;", "features", or "features (the neural reader failed: …)".</summary>
    public string ShortAnswerBy { get; init; } = "";

    /// <summary>Why the box was not shown, as the answer service said; empty on a shown box.</summary>
    public string AbstainReason { get; init; } = "";

    /// <summary>Where <see cref="ShortAnswer"/> stands in the passage when it comes from this box's passage; null otherwise.</summary>
    public TextRange? ShortAnswerRange { get; init; }

    /// <summary>The model version of a curated answer.</summary>
    public const string ReviewedVersion = "reviewed";
}

/// <summary>One ranked result.</summary>
public sealed record SearchResult(
    string DocumentId, string PassageId, string Title, string Url, string Text, Highlight? Highlight, double Score, double RetrievalScore,
    IReadOnlyList<SentenceSimilarity>? Sentences = null);

/// <summary>Time one stage took as the gateway saw it; <see cref="Status"/> is one of <see cref="StageStatus"/>.</summary>
public sealed record StageTiming(string Stage, double Ms, string Status);

/// <summary>
/// CPU one service spent on one request, as that service measured it on its own threads (the gateway's from its
/// clock, each stage's from its <c>cpu-us</c> trailer); <see cref="Stage"/> is "gateway" or one of <see cref="Stages"/>.
/// </summary>
public sealed record StageCost(string Stage, double CpuMs);

/// <summary>A search's response: the gRPC SearchResponse and the REST JSON are this, mapped at the edge.</summary>
public sealed record SearchResponse(
    string Query,
    QueryRoute Route,
    AnswerBox? Answer,
    IReadOnlyList<SearchResult> Results,
    IReadOnlyList<string> Degraded,
    IReadOnlyList<StageTiming> Timings,
    AnswerBox? AbstainedAnswer,
    double TotalMs,
    bool Cached)
{
    /// <summary>
    /// What this request cost each service: the gateway first, then each stage call in order. A response served
    /// from the cache or from an identical running search cost only the gateway's part (see <c>CachedSearch</c>).
    /// </summary>
    public IReadOnlyList<StageCost> Costs { get; init; } = [];
}

public static class Stages
{
    /// <summary>The gateway itself, in <see cref="SearchResponse.Costs"/>.</summary>
    public const string Gateway = "gateway";

    public const string Router = "router";
    public const string Retrieval = "retrieval";
    public const string Rerank = "rerank";
    public const string Answer = "answer";
}

/// <summary>Names in a response's <c>degraded</c> list that are not stages.</summary>
public static class Degradations
{
    /// <summary>The streamed answer is the extractive one because generation was left out under load.</summary>
    public const string Generation = "generation";

    /// <summary>The short answer is the feature ranker's: the neural span reader was left out under load.</summary>
    public const string Reader = "reader";
}

public static class StageStatus
{
    public const string Ok = "ok";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
    public const string Timeout = "timeout";

    /// <summary>The stage failed repeatedly just now and was not called.</summary>
    public const string Open = "open";
}
