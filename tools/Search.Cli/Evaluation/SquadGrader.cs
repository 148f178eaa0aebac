using Grpc.Core;
using Search.Contracts.V1;
using Search.Evaluation;
using Search.Evaluation.Datasets;

namespace Search.Cli.Evaluation;

/// <summary>
/// How one question fared. <see cref="CandidateConfidence"/> and <see cref="CandidateCorrect"/> describe
/// the answer service's best candidate, shown or not (null confidence: there was none), so precision and
/// coverage can be computed for any threshold, not only the one the service runs with. <see cref="AnswerCpuMs"/> is
/// what the answer service reported it spent on the question (null when it was not called or reported nothing).
/// </summary>
public sealed record QuestionOutcome(
    string QuestionId,
    double ExactMatch,
    double F1,
    bool Top1,
    bool Top5,
    bool BoxShown,
    bool BoxCorrect,
    double LatencyMs,
    StatusCode? FailedWith = null,
    string? FailureDetail = null,
    double? CandidateConfidence = null,
    bool CandidateCorrect = false,
    double? AnswerCpuMs = null)
{
    public bool Failed => FailedWith is not null;

    /// <summary>A request that failed counts as wrong on every metric and has no latency.</summary>
    public static QuestionOutcome Failure(string questionId, StatusCode status, string detail) =>
        new(questionId, 0, 0, false, false, false, false, 0, status, detail);
}

/// <summary>Grades a gateway response against a SQuAD question. No I/O.</summary>
public static class SquadGrader
{
    public static QuestionOutcome Grade(SquadQuestion question, SearchResponse response, double latencyMs)
    {
        var chinese = AnswerMetrics.IsChinese(question.Question, question.Answers);

        // The reader's best short answer counts whether or not the box was shown, as open-domain QA reports it:
        // the box's span, or the span it ranked first when the box falls back to a whole sentence.
        var box = response.Answer ?? response.AbstainedAnswer;
        var best = box is null ? "" : box.ShortAnswer is { Length: > 0 } shortAnswer ? shortAnswer : box.Text;
        var em = AnswerMetrics.ExactMatch(best, question.Answers, chinese);
        var f1 = AnswerMetrics.F1(best, question.Answers, chinese);

        var top1 = response.Results.Count > 0 && response.Results[0].DocumentId == question.DocumentId;
        var top5 = response.Results.Take(5).Any(r => r.DocumentId == question.DocumentId);

        var shown = response.Answer is not null;
        var correct = shown && AnswerMetrics.ContainsAnyGold(HighlightedText(response.Answer!), question.Answers, chinese);
        var candidate = response.Answer ?? response.AbstainedAnswer;
        var candidateCorrect = candidate is not null && AnswerMetrics.ContainsAnyGold(HighlightedText(candidate), question.Answers, chinese);
        var answerCosts = response.Costs.Where(c => c.Stage == "answer").ToList();
        return new QuestionOutcome(question.Id, em, f1, top1, top5, shown, correct, latencyMs,
            CandidateConfidence: candidate?.Confidence, CandidateCorrect: candidateCorrect,
            AnswerCpuMs: answerCosts.Count == 0 || response.Cached ? null : answerCosts.Sum(c => c.CpuMs));
    }

    /// <summary>What the box highlights: the span, or the single sentence when no span was extracted; never the whole passage.</summary>
    public static string HighlightedText(AnswerBox box)
    {
        if (box.Kind != AnswerKind.Sentence || box.Sentence is null || box.Passage is null)
        {
            return box.Text;
        }

        var text = box.Passage.Text;
        var start = Math.Clamp(box.Sentence.Start, 0, text.Length);
        var end = Math.Clamp(box.Sentence.End, start, text.Length);
        return end > start ? text[start..end] : box.Text;
    }
}
