using Search.Gateway.QueryLog;
using Search.Gateway.Review;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Grpc;

/// <summary>The review console's wire messages (gRPC, and REST as their proto3 JSON) to and from the review records.</summary>
public static class ReviewMapping
{
    public static ConfirmInput ToInput(this Rpc.ConfirmRequest r) => new(r.Query, r.PassageId, r.AnswerStart, r.AnswerEnd);

    public static CorrectInput ToInput(this Rpc.CorrectRequest r) => new(
        r.Query,
        r.Span is { } span ? new SpanInput(span.PassageId, span.Start, span.End) : null,
        r.Written is { } written ? new WrittenInput(written.Text, written.SourceUrl, written.SourceTitle) : null);

    public static BlockInput ToInput(this Rpc.BlockRequest r) => new(r.Query, r.PassageId, r.Scope);

    public static Rpc.ReviewQueues ToWire(this ReviewQueueLists q) => new()
    {
        Reported =
        {
            q.Reported.Select(r => new Rpc.QueueEntry
            {
                Query = r.Query,
                Count = r.Count,
                PassageId = r.PassageId,
                Answer = r.Answer,
                Correction = r.Correction ?? "",
                Kinds = { r.Kinds },
                LastAtUnixMs = r.LastAt.ToUnixTimeMilliseconds(),
            }),
        },
        Abstained = { q.Abstained.Select(ToWire) },
        LowConfidence = { q.LowConfidence.Select(ToWire) },
    };

    public static Rpc.QueueEntry ToWire(this QueryLogSummary s) => new()
    {
        Query = s.Query,
        Language = s.Language,
        Count = s.Count,
        Confidence = s.Confidence ?? 0,
        PassageId = s.PassageId,
        LastAtUnixMs = s.LastAt.ToUnixTimeMilliseconds(),
    };

    public static Rpc.ReviewItem ToWire(this ReviewItemView item) => new()
    {
        Query = item.Query,
        Answer = item.Answer?.ToWire(),
        AbstainedAnswer = item.Abstained?.ToWire(),
        Candidates = { item.Candidates.Select(c => c.ToWire()) },
        Actions = { item.Actions.Select(ToWire) },
        Curated = item.Curated?.ToWire(),
    };

    public static Rpc.ReviewAction ToWire(this ReviewAction a)
    {
        var s = a.Submission;
        var p = s.Passage;
        return new Rpc.ReviewAction
        {
            Id = a.Id,
            Kind = s.Kind.Name(),
            Query = s.Query,
            AtUnixMs = a.At.ToUnixTimeMilliseconds(),
            Passage = p is null ? null : new Rpc.Passage
            {
                PassageId = p.PassageId,
                DocumentId = p.DocumentId,
                Title = p.Title,
                Url = p.Url,
                Text = p.Text,
                Language = Search.Text.TextLanguageTags.TryParse(p.Language, out var language) ? language.ToWire() : Rpc.Language.Unspecified,
                EndOffset = p.Text.Length,
            },
            AnswerStart = s.AnswerStart,
            AnswerEnd = s.AnswerEnd,
            Answer = s.Answer,
            Scope = s.Scope?.Name() ?? "",
            UndoOf = s.UndoOf ?? "",
            UndoneBy = a.UndoneBy ?? "",
        };
    }

    public static Rpc.ExportResponse ToWire(this SquadExport export) => new()
    {
        SquadJson = export.Json,
        Answered = export.Answered,
        Impossible = export.Impossible,
    };
}
