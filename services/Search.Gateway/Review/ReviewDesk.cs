using Microsoft.Extensions.Options;
using Search.Gateway.Feedback;
using Search.Gateway.Pipeline;
using Search.Gateway.QueryLog;
using Search.Text;

namespace Search.Gateway.Review;

public sealed record ConfirmInput(string? Query, string? PassageId, int AnswerStart, int AnswerEnd);

public sealed record SpanInput(string? PassageId, int Start, int End);

public sealed record WrittenInput(string? Text, string? SourceUrl, string? SourceTitle);

public sealed record CorrectInput(string? Query, SpanInput? Span, WrittenInput? Written);

public sealed record BlockInput(string? Query, string? PassageId, string? Scope);

/// <summary>A reported query: the feedback behind it, grouped.</summary>
public sealed record ReportedQuery(string Query, long Count, string Answer, string? Correction, string PassageId, IReadOnlyList<string> Kinds, DateTimeOffset LastAt);

public sealed record ReviewQueueLists(IReadOnlyList<ReportedQuery> Reported, IReadOnlyList<QueryLogSummary> Abstained, IReadOnlyList<QueryLogSummary> LowConfidence);

/// <summary>One query as the console shows it: the model's answer and candidates now, the curated answer, the actions.</summary>
public sealed record ReviewItemView(
    string Query, AnswerBox? Answer, AnswerBox? Abstained, IReadOnlyList<SearchResult> Candidates, IReadOnlyList<ReviewAction> Actions, AnswerBox? Curated);

/// <summary>
/// The review console's work, the same over REST and gRPC: the queues, one query's view, and the actions, each checked
/// (a bad field is a <see cref="BadSearchRequestException"/>: 400 / INVALID_ARGUMENT) and applied on this gateway
/// before it is acknowledged. A passage an action names must be among the passages the query retrieves now: the
/// gateway re-runs the search, reviews left aside, and takes the passage's text, title and url from it.
/// </summary>
public sealed class ReviewDesk(
    IReviewStore store,
    ReviewRules rules,
    IFeedbackStore feedback,
    IQueryLogStore queryLog,
    IServiceScopeFactory scopes,
    IOptions<ReviewOptions> options,
    IOptions<GatewayOptions> gateway)
{
    public const int MaxQueueLength = 200;
    public const int DefaultQueueLength = 50;
    public const int MaxAnswerLength = FeedbackRules.MaxAnswerLength;
    public const int MaxTitleLength = 300;
    public const int MaxUrlLength = 2_048;
    public const int MaxActionIdLength = 64;

    /// <summary>Feedback read to build the reported queue: the newest, which is what a reviewer works through first.</summary>
    private const int FeedbackWindow = 1_000;

    public async Task<ReviewQueueLists> QueuesAsync(int limit, CancellationToken ct)
    {
        if (limit is < 0 or > MaxQueueLength)
        {
            BadSearchRequestException.Throw($"limit must be from 1 to {MaxQueueLength} (0 means {DefaultQueueLength})");
        }

        limit = limit == 0 ? DefaultQueueLength : limit;
        var reviewed = (await store.InEffectAsync(ct)).Select(a => a.Submission.Query).ToHashSet(StringComparer.Ordinal);
        var reported = (await feedback.ListAsync(FeedbackWindow, ct))
            .Where(f => f.Submission.Kind is FeedbackKind.NotHelpful or FeedbackKind.WrongAnswer)
            .GroupBy(f => ReviewQueries.Key(f.Submission.Query), StringComparer.Ordinal)
            .Where(g => !reviewed.Contains(g.Key))
            .Select(g =>
            {
                // Newest first, as the store lists them.
                var latest = g.First();
                return new ReportedQuery(
                    g.Key, g.Count(), latest.Submission.Answer, g.Select(f => f.Submission.Correction).FirstOrDefault(c => c is not null),
                    latest.Submission.PassageId, g.Select(f => f.Submission.Kind.Name()).Distinct().ToList(), latest.CreatedAt);
            })
            .OrderByDescending(r => r.Count).ThenByDescending(r => r.LastAt)
            .Take(limit)
            .ToList();
        // Reviewed queries are filtered out after the query, so ask for enough to fill the list.
        var abstained = (await queryLog.MostAbstainedAsync(limit + reviewed.Count, ct))
            .Where(s => !reviewed.Contains(ReviewQueries.Key(s.Query))).Take(limit).ToList();
        var low = (await queryLog.LowConfidenceAsync(options.Value.LowConfidenceBelow, limit + reviewed.Count, ct))
            .Where(s => !reviewed.Contains(ReviewQueries.Key(s.Query))).Take(limit).ToList();
        return new ReviewQueueLists(reported, abstained, low);
    }

    public async Task<ReviewItemView> ItemAsync(string? query, CancellationToken ct)
    {
        var (text, key) = QueryKey(query);
        var response = await CandidatesAsync(text, ct);
        var actions = await store.ListAsync(key, MaxQueueLength, ct);
        return new ReviewItemView(key, response.Answer, response.AbstainedAnswer, response.Results, actions, rules.For(key).Curated);
    }

    public async Task<ReviewAction> ConfirmAsync(ConfirmInput input, CancellationToken ct)
    {
        var (text, key) = QueryKey(input.Query);
        var passageId = PassageId(input.PassageId);
        var response = await CandidatesAsync(text, ct);
        var passage = Find(response, passageId);
        var (start, end) = (input.AnswerStart, input.AnswerEnd);
        if (start == 0 && end == 0)
        {
            // The model's own answer on that passage.
            var model = new[] { response.Answer, response.AbstainedAnswer }.FirstOrDefault(b => b?.Passage?.PassageId == passageId);
            if (model is null)
            {
                BadSearchRequestException.Throw($"the answer model gives no answer from passage '{passageId}' now: give answer_start and answer_end");
            }

            (start, end) = (model.AnswerStart, model.AnswerEnd);
        }

        CheckSpan(passage.Text, start, end, "answer_start", "answer_end");
        return await ApplyAsync(new ReviewSubmission(ReviewActionKind.Confirm, key, passage, start, end, null, null), ct);
    }

    public async Task<ReviewAction> CorrectAsync(CorrectInput input, CancellationToken ct)
    {
        var (query, key) = QueryKey(input.Query);
        switch (input)
        {
            case { Span: not null, Written: not null }:
                BadSearchRequestException.Throw("give either span or written, not both");
                break;
            case { Span: { } span }:
            {
                var passage = Find(await CandidatesAsync(query, ct), PassageId(span.PassageId));
                CheckSpan(passage.Text, span.Start, span.End, "span.start", "span.end");
                return await ApplyAsync(new ReviewSubmission(ReviewActionKind.Correct, key, passage, span.Start, span.End, null, null), ct);
            }

            case { Written: { } written }:
            {
                var text = written.Text?.Trim() ?? "";
                var url = written.SourceUrl?.Trim() ?? "";
                var title = written.SourceTitle?.Trim() ?? "";
                Check(FeedbackRules.Problem("written.text", text, MaxAnswerLength, required: true, lineBreaks: true)
                    ?? FeedbackRules.Problem("written.source_url", url, MaxUrlLength, required: true, lineBreaks: false)
                    ?? FeedbackRules.Problem("written.source_title", title, MaxTitleLength, required: true, lineBreaks: false)
                    ?? UrlProblem(url));
                var passage = new ReviewedPassage("", "", title, url, text, LanguageDetector.Detect(text).ToTag());
                return await ApplyAsync(new ReviewSubmission(ReviewActionKind.Correct, key, passage, 0, text.Length, null, null), ct);
            }
        }

        BadSearchRequestException.Throw("a correction needs span (passage_id, start, end) or written (text, source_url, source_title)");
        return null;
    }

    public async Task<ReviewAction> BlockAsync(BlockInput input, CancellationToken ct)
    {
        var (text, key) = QueryKey(input.Query);
        var passageId = PassageId(input.PassageId);
        var scopeName = input.Scope?.Trim() ?? "";
        if (!ReviewNames.TryParseScope(scopeName, out var scope))
        {
            BadSearchRequestException.Throw(scopeName.Length == 0
                ? "scope is required: passage or document"
                : $"scope '{Shorten(scopeName)}' is not one of passage, document");
        }

        var passage = Find(await CandidatesAsync(text, ct), passageId);
        return await ApplyAsync(new ReviewSubmission(ReviewActionKind.Block, key, passage, 0, 0, scope, null), ct);
    }

    public async Task<ReviewAction> UndoAsync(string? actionId, CancellationToken ct)
    {
        var id = actionId?.Trim() ?? "";
        Check(FeedbackRules.Problem("action_id", id, MaxActionIdLength, required: true, lineBreaks: false));
        var (undo, problem) = await store.UndoAsync(id, ct);
        if (undo is null)
        {
            BadSearchRequestException.Throw(problem);
        }

        await rules.RefreshAsync(ct);
        return undo;
    }

    /// <summary>The reviewed cases in effect as a SQuAD-format file.</summary>
    /// <summary>
    /// The 503 / UNAVAILABLE message when a store (PostgreSQL, shared by the replicas) does not answer: an action that
    /// was under way may or may not be stored, which its review item shows once the store is back.
    /// </summary>
    public static string StoreUnavailable(Exception e) =>
        $"the review store is unavailable; an action under way was not acknowledged and may or may not be stored: {e.Message}";

    public async Task<SquadExport> ExportAsync(CancellationToken ct) => SquadExport.Of(await store.InEffectAsync(ct));

    private async Task<ReviewAction> ApplyAsync(ReviewSubmission submission, CancellationToken ct)
    {
        var action = await store.RecordAsync(submission, ct);
        // In effect on this gateway before it is acknowledged; other replicas read it within Gateway:Review:RefreshMs.
        await rules.RefreshAsync(ct);
        return action;
    }

    /// <summary>What the answer model alone makes of the query now, with as many candidate passages as a search may return.</summary>
    private async Task<SearchResponse> CandidatesAsync(string query, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<SearchPipeline>();
        return await pipeline.SearchAsync(
            new SearchQuery(query, "", gateway.Value.MaxResults, IncludeAbstained: true), callerDeadline: null, ct);
    }

    private static ReviewedPassage Find(SearchResponse response, string passageId)
    {
        var language = response.Route.Language.ToTag();
        if (response.Results.FirstOrDefault(r => r.PassageId == passageId) is { } result)
        {
            return new ReviewedPassage(result.PassageId, result.DocumentId, result.Title, result.Url, result.Text, language);
        }

        if (new[] { response.Answer, response.AbstainedAnswer }.FirstOrDefault(b => b?.Passage?.PassageId == passageId)?.Passage is { } p)
        {
            return new ReviewedPassage(p.PassageId, p.DocumentId, p.Title, p.Url, p.Text, p.Language.ToTag());
        }

        BadSearchRequestException.Throw($"passage '{Shorten(passageId)}' is not among the passages this query retrieves now");
        return null;
    }

    /// <summary>The query as given (searched with its case, which the answer model reads) and its review key.</summary>
    private (string Text, string Key) QueryKey(string? query)
    {
        var text = query?.Trim() ?? "";
        Check(FeedbackRules.Problem("query", text, gateway.Value.MaxQueryLength, required: true, lineBreaks: false));
        var key = ReviewQueries.Key(text);
        if (key.Length == 0)
        {
            BadSearchRequestException.Throw("query is empty after normalisation");
        }

        return (text, key);
    }

    private static string PassageId(string? passageId)
    {
        var id = passageId?.Trim() ?? "";
        Check(FeedbackRules.Problem("passage_id", id, FeedbackRules.MaxPassageIdLength, required: true, lineBreaks: false));
        return id;
    }

    private static void CheckSpan(string text, int start, int end, string startName, string endName)
    {
        if (start < 0 || end > text.Length || start >= end)
        {
            BadSearchRequestException.Throw($"{startName} and {endName} must mark a non-empty range inside the passage's {text.Length} characters (got {start}..{end})");
        }

        if (end - start > MaxAnswerLength)
        {
            BadSearchRequestException.Throw($"the answer has {end - start} characters; at most {MaxAnswerLength} are accepted");
        }

        if (char.IsLowSurrogate(text[start]) || (end < text.Length && char.IsLowSurrogate(text[end])))
        {
            BadSearchRequestException.Throw($"{startName}..{endName} splits a character in two");
        }

        if (string.IsNullOrWhiteSpace(text[start..end]))
        {
            BadSearchRequestException.Throw($"{startName}..{endName} marks only spaces");
        }
    }

    private static string? UrlProblem(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? null
            : "written.source_url must be an absolute http or https address";

    private static void Check(string? problem)
    {
        if (problem is not null)
        {
            BadSearchRequestException.Throw(problem);
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");
}
