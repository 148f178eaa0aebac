using System.Text.RegularExpressions;
using Grpc.Core;
using Search.Cli.Evaluation;
using Search.Contracts.V1;
using Search.Evaluation.Datasets;

namespace Search.Cli.Tests;

public sealed class ProbeReportTests
{
    private const string Notice = "The Hollins K2 costs 59.99 euros and has five temperature settings.";
    private static readonly SquadQuestion Price = new("k2/q1", "How much does the Hollins K2 cost?", ["59.99 euros"], "k2");
    private static readonly SquadQuestion Designer = new("k2/x1", "Who designed the Hollins K2?", [], "k2", Impossible: true);

    [Fact]
    public void ABoxHoldingTheGoldAnswerFromItsOwnDocumentIsRight()
    {
        var outcome = ProbeGrader.Grade(Price, "en", Shown(Box(Notice, "59.99 euros", "k2")));

        Assert.True(outcome.Answerable);
        Assert.True(outcome.BoxShown);
        Assert.True(outcome.BoxRight);
        Assert.Equal("59.99 euros", outcome.Candidate);
    }

    [Fact]
    public void TheSameWordsFromAnotherDocumentAreWrong()
    {
        var outcome = ProbeGrader.Grade(Price, "en", Shown(Box("Tickets cost 59.99 euros at the door.", "59.99 euros", "jazz")));

        Assert.True(outcome.BoxShown);
        Assert.False(outcome.BoxRight);
    }

    [Fact]
    public void AnyBoxOnAnUnanswerableQuestionIsWrongAndCountsAgainstPrecision()
    {
        var outcomes = new[]
        {
            ProbeGrader.Grade(Price, "en", Shown(Box(Notice, "59.99 euros", "k2"))),
            ProbeGrader.Grade(Designer, "en", Shown(Box(Notice, "Hollins", "k2"))),
        };

        var report = new ProbeReport(outcomes);

        Assert.False(outcomes[1].Answerable);
        Assert.Equal(0.5, report.Overall.Precision);
        Assert.Equal(1.0, report.Overall.Coverage);
        Assert.Equal(1, report.Overall.BoxedUnanswerable);
        Assert.Equal(["k2/x1"], report.WrongBoxes.Select(o => o.QuestionId));
        Assert.Contains("k2/x1\ten\t0.80\tunanswerable", report.Cases(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAbstainedCandidateIsAMissNotABox()
    {
        var response = new SearchResponse { AbstainedAnswer = Box(Notice, "59.99 euros", "k2") };
        response.AbstainedAnswer.Confidence = 0.52;

        var outcome = ProbeGrader.Grade(Price, "en", response);
        var report = new ProbeReport([outcome]);

        Assert.False(outcome.BoxShown);
        Assert.True(outcome.CandidateRight);
        Assert.Equal(0, report.Overall.Coverage);
        Assert.Equal(["k2/q1"], report.Missed.Select(o => o.QuestionId));
        Assert.Contains("0.52\tright", report.Cases(), StringComparison.Ordinal);
    }

    [Fact]
    public void FiguresAreKeptPerLanguageInTheDocumentedOrder()
    {
        ProbeOutcome[] outcomes =
        [
            new("a", "?", "zh-Hant", true, true, true, "x", 0.9, true),
            new("b", "?", "en", true, true, false, "y", 0.8, false),
            new("c", "?", "en", true, true, true, "z", 0.95, true),
            new("d", "?", "en", true, false, false, "w", 0.4, true),
            new("e", "?", "zh-Hans", false, false, false, null, null, false),
            ProbeOutcome.Failure(Price, "zh-Hans", StatusCode.Unavailable, "retrieval is unavailable"),
        ];

        var report = new ProbeReport(outcomes);

        Assert.Equal(["en", "zh-Hans", "zh-Hant"], report.ByLanguage.Select(f => f.Language));
        var english = report.ByLanguage[0];
        Assert.Equal((3, 2, 1), (english.Answerable, english.Boxed, english.Right));
        Assert.Equal(0.5, english.Precision);
        Assert.Equal(2.0 / 3, english.Coverage);
        Assert.Equal(1.0 / 3, english.RightCoverage);
        Assert.Equal((1, 1, 0), (report.ByLanguage[1].Answerable, report.ByLanguage[1].Unanswerable, report.ByLanguage[1].BoxedUnanswerable));
        Assert.Equal(1, report.Overall.Failed);

        var lines = report.SummaryLines().TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal("lang=en box_precision=0.500 box_coverage=0.667 right_coverage=0.333 wrong_boxes=1 unanswerable_boxes=0/0 failed=0", lines[0]);
        Assert.StartsWith("lang=all ", lines[^1], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Matches(new Regex(@"^lang=\S+ box_precision=\d\.\d{3} box_coverage=\d\.\d{3} right_coverage=\d\.\d{3} wrong_boxes=\d+ unanswerable_boxes=\d+/\d+ failed=\d+$"), l));
    }

    [Fact]
    public void TheCurveCountsCandidatesOnUnanswerableQuestionsAsWrongBoxes()
    {
        ProbeOutcome[] outcomes =
        [
            new("a", "?", "en", true, true, true, "x", 0.9, true),
            new("b", "?", "en", false, false, false, "y", 0.55, false),
            new("c", "?", "en", true, false, false, "z", 0.45, true),
        ];

        var rows = new ProbeReport(outcomes).CurveTable().Split('\n');

        // threshold 0.50: a and b shown, one right, one on an unanswerable question; coverage 1 of 2 answerable
        Assert.Contains(rows, r => Regex.IsMatch(r, @"^0\.50\s+0\.500\s+0\.500\s+1\s+1$"));
        Assert.Contains(rows, r => Regex.IsMatch(r, @"^0\.40\s+0\.667\s+1\.000\s+2\s+1$"));
    }

    private static AnswerBox Box(string passage, string answer, string documentId)
    {
        var start = passage.IndexOf(answer, StringComparison.Ordinal);
        return new AnswerBox
        {
            Passage = new Passage { Text = passage, DocumentId = documentId, PassageId = documentId + "#0" },
            Text = answer,
            AnswerStart = start,
            AnswerEnd = start + answer.Length,
            Kind = AnswerKind.Span,
            Confidence = 0.8,
        };
    }

    private static SearchResponse Shown(AnswerBox box) => new() { Answer = box };
}
