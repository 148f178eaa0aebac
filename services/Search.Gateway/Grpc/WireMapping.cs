using Search.Gateway.Pipeline;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Grpc;

/// <summary>
/// The wire messages of the back services and of the gateway's own API, mapped to the gateway's records and
/// back. Whatever a stage returns maps back unchanged, so the next stage is sent exactly what it would
/// have been sent as a message.
/// </summary>
public static class WireMapping
{
    public static SearchQuery ToQuery(this Rpc.SearchRequest request) =>
        new(request.Query, request.Language, request.K, request.IncludeAbstained);

    public static QueryRoute ToGateway(this Rpc.Route route) => new(
        route.NormalizedQuery, route.Language.ToGateway(), route.Intent.ToGateway(), route.AnswerType.ToGateway(), route.ShouldAnswer, route.Reason);

    public static Rpc.Route ToWire(this QueryRoute route) => new()
    {
        NormalizedQuery = route.NormalizedQuery,
        Language = route.Language.ToWire(),
        Intent = route.Intent.ToWire(),
        AnswerType = route.AnswerType.ToWire(),
        ShouldAnswer = route.ShouldAnswer,
        Reason = route.Reason,
    };

    public static Passage ToGateway(this Rpc.Passage p) => new(
        p.PassageId, p.DocumentId, p.Ordinal, p.Title, p.Url, p.Text, p.Language.ToGateway(), p.StartOffset, p.EndOffset);

    public static Rpc.Passage ToWire(this Passage p) => new()
    {
        PassageId = p.PassageId,
        DocumentId = p.DocumentId,
        Ordinal = p.Ordinal,
        Title = p.Title,
        Url = p.Url,
        Text = p.Text,
        Language = p.Language.ToWire(),
        StartOffset = p.StartOffset,
        EndOffset = p.EndOffset,
    };

    public static RankedPassage ToGateway(this Rpc.ScoredPassage p)
    {
        // Every stage sets the passage; an absent one reads as empty rather than failing the whole response.
        var passage = p.Passage?.ToGateway() ?? Passage.Empty;
        // Retrieval sends only the spans, which then mark the passage's own text.
        var highlight = p.Highlight is { } h ? new Highlight(h.Text.Length > 0 ? h.Text : passage.Text, h.Spans.Select(ToGateway).ToList()) : null;
        var sentences = p.Sentences.Count == 0 ? null : p.Sentences.Select(ToGateway).ToList();
        return new RankedPassage(passage, p.Score, p.RetrievalScore, highlight, p.HasSimilarity ? p.Similarity : null, sentences);
    }

    public static SentenceSimilarity ToGateway(this Rpc.SentenceSimilarity s) =>
        new(new TextRange(s.Range?.Start ?? 0, s.Range?.End ?? 0), s.Similarity);

    public static Rpc.SentenceSimilarity ToWire(this SentenceSimilarity s) =>
        new() { Range = new Rpc.TextSpan { Start = s.Range.Start, End = s.Range.End }, Similarity = s.Similarity };

    /// <summary>A passage as the answer stage reads it: everything but the highlight, which it does not use.</summary>
    public static Rpc.ScoredPassage ToWire(this RankedPassage p) => WithSimilarity(
        new Rpc.ScoredPassage
        {
            Passage = p.Passage.ToWire(),
            Score = p.Score,
            RetrievalScore = p.RetrievalScore,
            Sentences = { p.Sentences?.Select(ToWire) ?? [] },
        },
        p.Similarity);

    /// <summary>A candidate as rerank reads it: text, title, ordinal, scores and similarity; no ids, url or highlight.</summary>
    public static Rpc.ScoredPassage ToRerankCandidate(this RankedPassage p) => WithSimilarity(
        new Rpc.ScoredPassage
        {
            Passage = new Rpc.Passage { Text = p.Passage.Text, Title = p.Passage.Title, Ordinal = p.Passage.Ordinal },
            Score = p.Score,
            RetrievalScore = p.RetrievalScore,
        },
        p.Similarity);

    private static Rpc.ScoredPassage WithSimilarity(Rpc.ScoredPassage message, double? similarity)
    {
        if (similarity is { } value)
        {
            message.Similarity = value;
        }

        return message;
    }

    public static Rpc.Highlight ToWire(this Highlight h) => new() { Text = h.Text, Spans = { h.Spans.Select(ToWire) } };

    public static TextRange ToGateway(this Rpc.TextSpan span) => new(span.Start, span.End);

    public static Rpc.TextSpan ToWire(this TextRange range) => new() { Start = range.Start, End = range.End };

    public static AnswerBox ToGateway(this Rpc.AnswerBox box) => new(
        box.Text, box.Passage?.ToGateway(), box.AnswerStart, box.AnswerEnd, box.Confidence, box.Kind.ToGateway(), box.Sentence?.ToGateway(), box.ShortAnswer)
    {
        ModelVersion = box.ModelVersion,
        Reviewed = box.Reviewed,
        ShortAnswerBy = box.ShortAnswerBy,
        AbstainReason = box.AbstainReason,
        ShortAnswerRange = box.ShortAnswerRange?.ToGateway(),
    };

    public static Rpc.AnswerBox ToWire(this AnswerBox box) => new()
    {
        Text = box.Text,
        Passage = box.Passage?.ToWire(),
        AnswerStart = box.AnswerStart,
        AnswerEnd = box.AnswerEnd,
        Confidence = box.Confidence,
        Kind = box.Kind.ToWire(),
        Sentence = box.Sentence?.ToWire(),
        ShortAnswer = box.ShortAnswer,
        ModelVersion = box.ModelVersion,
        Reviewed = box.Reviewed,
        ShortAnswerBy = box.ShortAnswerBy,
        AbstainReason = box.AbstainReason,
        ShortAnswerRange = box.ShortAnswerRange?.ToWire(),
    };

    public static AnswerReply ToGateway(this Rpc.AnswerResponse reply) => new(reply.Candidate?.ToGateway(), reply.Shown, reply.ReaderSkipped, reply.AbstainReason);

    public static GenerationOutcome ToGateway(this Rpc.AnswerStreamResult result) => new(
        result.Generated is { } generated
            ? new GeneratedAnswer(generated.Text, generated.Citations.Select(c => new AnswerCitation(c.Index, c.PassageId, c.DocumentId)).ToList())
            : null,
        result.GeneratedShown,
        result.FallbackReason,
        result.Extractive?.ToGateway());

    public static Rpc.SearchResponse ToWire(this SearchResponse response) => new()
    {
        Query = response.Query,
        Route = response.Route.ToWire(),
        Answer = response.Answer?.ToWire(),
        Results = { response.Results.Select(ToWire) },
        Degraded = { response.Degraded },
        Timings = { response.Timings.Select(t => new Rpc.StageTiming { Stage = t.Stage, Ms = t.Ms, Status = t.Status }) },
        AbstainedAnswer = response.AbstainedAnswer?.ToWire(),
        TotalMs = response.TotalMs,
        Cached = response.Cached,
        Costs = { response.Costs.Select(ToWire) },
    };

    public static Rpc.StageCost ToWire(this StageCost cost) => new() { Stage = cost.Stage, CpuMs = cost.CpuMs };

    public static Rpc.SearchResult ToWire(this SearchResult r) => new()
    {
        DocumentId = r.DocumentId,
        PassageId = r.PassageId,
        Title = r.Title,
        Url = r.Url,
        Text = r.Text,
        Highlight = r.Highlight?.ToWire(),
        Score = r.Score,
        RetrievalScore = r.RetrievalScore,
        Sentences = { r.Sentences?.Select(ToWire) ?? [] },
    };

    public static Rpc.StreamedAnswer ToWire(this StreamedAnswer answer) => new()
    {
        GeneratedText = answer.GeneratedText,
        Citations = { answer.Citations.Select(c => new Rpc.AnswerCitation { Index = c.Index, PassageId = c.PassageId, DocumentId = c.DocumentId }) },
        GeneratedShown = answer.GeneratedShown,
        FallbackReason = answer.FallbackReason,
        Answer = answer.Answer?.ToWire(),
        AbstainedAnswer = answer.AbstainedAnswer?.ToWire(),
        Degraded = answer.Degraded,
        TotalMs = answer.TotalMs,
        Costs = { answer.Costs.Select(ToWire) },
        Withdrawn = answer.Withdrawn,
    };

    public static Rpc.SearchStreamEvent ToWire(this SearchEvent e) => e switch
    {
        ResultsEvent results => new() { Results = results.Results.ToWire() },
        TokenEvent token => new() { Token = token.Text },
        AnswerEvent answer => new() { Answer = answer.Answer.ToWire() },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "not a search stream event"),
    };
}
