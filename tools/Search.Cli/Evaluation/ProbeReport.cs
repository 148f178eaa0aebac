using System.Globalization;
using System.Text;
using Grpc.Core;
using Search.Contracts.V1;
using Search.Evaluation;
using Search.Evaluation.Datasets;

namespace Search.Cli.Evaluation;

/// <summary>
/// How one probe question fared. A box is right only when its highlight holds a gold answer and its passage comes
/// from the question's own document: the probe's answers are short ("12", "2014") and could turn up by chance in
/// another document's box. Any box on a question the documents do not answer is wrong.
/// <see cref="Confidence"/>, <see cref="Candidate"/> and <see cref="CandidateRight"/> describe the best candidate,
/// shown or not (null: there was none).
/// </summary>
public sealed record ProbeOutcome(
    string QuestionId,
    string Question,
    string Language,
    bool Answerable,
    bool BoxShown,
    bool BoxRight,
    string? Candidate,
    double? Confidence,
    bool CandidateRight,
    StatusCode? FailedWith = null,
    string? FailureDetail = null)
{
    public bool Failed => FailedWith is not null;

    public static ProbeOutcome Failure(SquadQuestion question, string language, StatusCode status, string detail) =>
        new(question.Id, question.Question, language, !question.Impossible && question.Answers.Count > 0, false, false, null, null, false, status, detail);
}

/// <summary>Grades a gateway response against a probe question. No I/O.</summary>
public static class ProbeGrader
{
    public static ProbeOutcome Grade(SquadQuestion question, string language, SearchResponse response)
    {
        var answerable = !question.Impossible && question.Answers.Count > 0;
        var candidate = response.Answer ?? response.AbstainedAnswer;
        var right = candidate is not null && answerable && IsRight(question, candidate);
        var highlighted = candidate is null ? null : SquadGrader.HighlightedText(candidate);
        return new ProbeOutcome(question.Id, question.Question, language, answerable,
            BoxShown: response.Answer is not null, BoxRight: response.Answer is not null && right,
            highlighted, candidate?.Confidence, right);
    }

    private static bool IsRight(SquadQuestion question, AnswerBox box)
    {
        var chinese = AnswerMetrics.IsChinese(question.Question, question.Answers);
        var fromItsDocument = box.Passage?.DocumentId is not { Length: > 0 } documentId || documentId == question.DocumentId;
        return fromItsDocument && AnswerMetrics.ContainsAnyGold(SquadGrader.HighlightedText(box), question.Answers, chinese);
    }
}

/// <summary>The figures of one language (or of all): answerable questions and their boxes, unanswerable ones and theirs.</summary>
public sealed record ProbeFigures(string Language, int Answerable, int Boxed, int Right, int Unanswerable, int BoxedUnanswerable, int Failed)
{
    /// <summary>Every box shown that is not right: wrong boxes on answerable questions and any box on an unanswerable one.</summary>
    public int Wrong => Boxed - Right + BoxedUnanswerable;

    /// <summary>Shown boxes that hold a gold answer from the question's document, over all shown boxes.</summary>
    public double Precision => Share(Right, Boxed + BoxedUnanswerable);

    /// <summary>Answerable questions that got a box, right or wrong.</summary>
    public double Coverage => Share(Boxed, Answerable);

    /// <summary>Answerable questions that got a right box.</summary>
    public double RightCoverage => Share(Right, Answerable);

    public static ProbeFigures Of(string language, IEnumerable<ProbeOutcome> outcomes)
    {
        var list = outcomes.ToList();
        var answerable = list.Where(o => o.Answerable).ToList();
        var unanswerable = list.Where(o => !o.Answerable).ToList();
        return new ProbeFigures(language, answerable.Count, answerable.Count(o => o.BoxShown), answerable.Count(o => o.BoxRight),
            unanswerable.Count, unanswerable.Count(o => o.BoxShown), list.Count(o => o.Failed));
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}

/// <summary>The report of <c>eval probe</c>: a table per language, the wrong boxes, the misses and the summary line. No I/O.</summary>
public sealed class ProbeReport(IReadOnlyList<ProbeOutcome> outcomes)
{
    /// <summary>The languages in the order they are printed.</summary>
    public static readonly string[] Languages = ["en", "zh-Hans", "zh-Hant"];

    public ProbeFigures Overall { get; } = ProbeFigures.Of("all", outcomes);

    public IReadOnlyList<ProbeFigures> ByLanguage { get; } = outcomes
        .GroupBy(o => o.Language)
        .OrderBy(g => Array.IndexOf(Languages, g.Key) is var i && i < 0 ? int.MaxValue : i)
        .ThenBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => ProbeFigures.Of(g.Key, g))
        .ToList();

    /// <summary>Boxes that were shown and are not right, in question order.</summary>
    public IReadOnlyList<ProbeOutcome> WrongBoxes { get; } = outcomes.Where(o => o.BoxShown && !o.BoxRight).ToList();

    /// <summary>Answerable questions that got no box.</summary>
    public IReadOnlyList<ProbeOutcome> Missed { get; } = outcomes.Where(o => o.Answerable && !o.BoxShown).ToList();

    public string Table()
    {
        var table = new StringBuilder();
        void Row(string language, string answerable, string boxed, string right, string precision, string coverage, string rightCoverage, string unanswerable) =>
            table.Append(CultureInfo.InvariantCulture, $"{language,-9}{answerable,11}{boxed,7}{right,7}{precision,11}{coverage,10}{rightCoverage,8}{unanswerable,16}").Append('\n');
        string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

        Row("language", "answerable", "boxed", "right", "precision", "coverage", "right", "boxes/unanswer.");
        foreach (var f in ByLanguage.Append(Overall))
        {
            Row(f.Language, $"{f.Answerable}", $"{f.Boxed}", $"{f.Right}", F(f.Precision), F(f.Coverage), F(f.RightCoverage), $"{f.BoxedUnanswerable}/{f.Unanswerable}");
        }

        return table.ToString();
    }

    /// <summary>The wrong boxes and the misses, one line each: id, language, confidence, question, what the box held.</summary>
    public string Cases()
    {
        var text = new StringBuilder();
        Section("wrong boxes (shown, not right; any box on an unanswerable question):", WrongBoxes);
        Section("missed (answerable, no box; the best candidate and whether it was right):", Missed);
        return text.ToString();

        void Section(string heading, IReadOnlyList<ProbeOutcome> cases)
        {
            text.Append(heading).Append(cases.Count == 0 ? " none\n" : "\n");
            foreach (var o in cases)
            {
                var confidence = o.Confidence is { } c ? c.ToString("F2", CultureInfo.InvariantCulture) : "-";
                var what = o.Failed ? $"failed: {o.FailedWith}: {o.FailureDetail}" : Shorten(o.Candidate ?? "(no candidate)");
                var mark = o.Answerable ? o.CandidateRight ? "right" : "wrong" : "unanswerable";
                text.Append(CultureInfo.InvariantCulture, $"  {o.QuestionId}\t{o.Language}\t{confidence}\t{mark}\t{o.Question}\t→ {what}\n");
            }
        }
    }

    /// <summary>
    /// What the box would do at other confidence thresholds (best candidate, shown or not): precision over all
    /// boxes, coverage of answerable questions, and boxes on unanswerable ones.
    /// </summary>
    public string CurveTable()
    {
        var text = new StringBuilder("by confidence threshold (best candidate, shown or not):\n");
        text.Append(CultureInfo.InvariantCulture, $"{"threshold",-11}{"precision",10}{"coverage",10}{"right",8}{"unanswerable boxes",20}\n");
        var answerable = outcomes.Count(o => o.Answerable);
        foreach (var threshold in EvalReport.CurveThresholds)
        {
            var shown = outcomes.Where(o => o.Confidence >= threshold).ToList();
            var right = shown.Count(o => o.CandidateRight);
            var boxedAnswerable = shown.Count(o => o.Answerable);
            var precision = shown.Count == 0 ? 0 : (double)right / shown.Count;
            var coverage = answerable == 0 ? 0 : (double)boxedAnswerable / answerable;
            text.Append(CultureInfo.InvariantCulture,
                $"{threshold,-11:F2}{precision,10:F3}{coverage,10:F3}{right,8}{$"{shown.Count - boxedAnswerable}",20}\n");
        }

        return text.ToString();
    }

    /// <summary>The machine-readable lines: one per language, then the overall one last.</summary>
    public string SummaryLines()
    {
        var text = new StringBuilder();
        foreach (var f in ByLanguage.Append(Overall))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"lang={f.Language} box_precision={f.Precision:F3} box_coverage={f.Coverage:F3} right_coverage={f.RightCoverage:F3} wrong_boxes={f.Wrong} unanswerable_boxes={f.BoxedUnanswerable}/{f.Unanswerable} failed={f.Failed}\n");
        }

        return text.ToString();
    }

    private static string Shorten(string text) => (text.Length <= 120 ? text : text[..117] + "…").ReplaceLineEndings(" ");
}
