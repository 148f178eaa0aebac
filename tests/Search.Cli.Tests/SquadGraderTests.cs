using System.Text.RegularExpressions;
using Grpc.Core;
using Search.Cli.Evaluation;
using Search.Contracts.V1;
using Search.Evaluation.Datasets;

namespace Search.Cli.Tests;

public sealed class SquadGraderTests
{
    private static readonly SquadQuestion Question = new("q1", "Who won Super Bowl 50?", ["Denver Broncos"], "Super_Bowl_50#0");

    [Fact]
    public void ShownSpanIsScoredAndCountsForPrecision()
    {
        var response = Response(box: Span("The Denver Broncos won Super Bowl 50.", 4, 18), "Super_Bowl_50#0", "other");

        var outcome = SquadGrader.Grade(Question, response, 12.5);

        Assert.Equal(1, outcome.ExactMatch);
        Assert.Equal(1, outcome.F1);
        Assert.True(outcome.Top1);
        Assert.True(outcome.Top5);
        Assert.True(outcome.BoxShown);
        Assert.True(outcome.BoxCorrect);
        Assert.Equal(12.5, outcome.LatencyMs);
    }

    [Fact]
    public void AbstainedAnswerIsScoredButIsNotABox()
    {
        var response = Response(box: null, "a", "b", "c", "d", "Super_Bowl_50#0");
        response.AbstainedAnswer = Span("The Denver Broncos won.", 4, 18);

        var outcome = SquadGrader.Grade(Question, response, 1);

        Assert.Equal(1, outcome.ExactMatch);
        Assert.False(outcome.Top1);
        Assert.True(outcome.Top5);
        Assert.False(outcome.BoxShown);
        Assert.False(outcome.BoxCorrect);
    }

    [Fact]
    public void NoAnswerAtAllScoresZero()
    {
        var outcome = SquadGrader.Grade(Question, Response(box: null, "a", "b", "c", "d", "e", "Super_Bowl_50#0"), 1);

        Assert.Equal(0, outcome.F1);
        Assert.False(outcome.Top5);
    }

    [Fact]
    public void SentenceBoxIsJudgedOnItsSentenceNotThePassage()
    {
        const string passage = "Super Bowl 50 was a game. The Denver Broncos won it.";
        var first = new AnswerBox
        {
            Passage = new Passage { Text = passage },
            Kind = AnswerKind.Sentence,
            Text = passage[..25],
            AnswerStart = 0,
            AnswerEnd = 25,
            Sentence = new TextSpan { Start = 0, End = 25 },
        };
        var second = first.Clone();
        second.Sentence = new TextSpan { Start = 26, End = passage.Length };
        second.Text = passage[26..];

        Assert.False(SquadGrader.Grade(Question, Response(first), 1).BoxCorrect);
        Assert.True(SquadGrader.Grade(Question, Response(second), 1).BoxCorrect);
    }

    [Fact]
    public void ReportEndsWithTheSummaryLineInTheAgreedFormat()
    {
        QuestionOutcome[] outcomes =
        [
            new("a", 1, 1, true, true, true, true, 10),
            new("b", 0, 0.5, false, true, true, false, 20),
            new("c", 0, 0, false, false, false, false, 30),
            QuestionOutcome.Failure("d", StatusCode.Unavailable, "retrieval is unavailable"),
        ];

        var report = new EvalReport(outcomes);

        Assert.Equal("em=0.250 f1=0.375 top1=0.250 top5=0.500 box_precision=0.500 box_coverage=0.500 p50_ms=20.0 p99_ms=30.0", report.SummaryLine());
        Assert.Matches(new Regex(@"^em=\d\.\d{3} f1=\d\.\d{3} top1=\d\.\d{3} top5=\d\.\d{3} box_precision=\d\.\d{3} box_coverage=\d\.\d{3} p50_ms=\d+\.\d p99_ms=\d+\.\d$"), report.SummaryLine());
        Assert.Contains("Unavailable: 1", report.Table(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheAnswerStagesCpuIsTakenFromTheResponseAndReportedForBoxedQuestions()
    {
        var response = Response(box: Span("The Denver Broncos won Super Bowl 50.", 4, 18), "Super_Bowl_50#0");
        response.Costs.Add(new StageCost { Stage = "gateway", CpuMs = 0.5 });
        response.Costs.Add(new StageCost { Stage = "answer", CpuMs = 4.25 });
        var cached = response.Clone();
        cached.Cached = true;

        Assert.Equal(4.25, SquadGrader.Grade(Question, response, 1).AnswerCpuMs);
        Assert.Null(SquadGrader.Grade(Question, cached, 1).AnswerCpuMs);

        QuestionOutcome[] outcomes =
        [
            new("a", 0, 0, false, false, true, true, 1, AnswerCpuMs: 6),
            new("b", 0, 0, false, false, true, false, 1, AnswerCpuMs: 8),
            new("c", 0, 0, false, false, true, false, 1, AnswerCpuMs: 10),
            new("d", 0, 0, false, false, false, false, 1, AnswerCpuMs: 1),
            new("e", 0, 0, false, false, false, false, 1),
        ];
        var report = new EvalReport(outcomes);

        Assert.Equal((3, 8.0), (report.AnswerCpuBoxed, report.AnswerCpuBoxedP50Ms));
        Assert.Equal(6.25, report.AnswerCpuMeanMs);
        Assert.Contains("median over the 3 questions that got a box", report.Table(), StringComparison.Ordinal);
    }

    [Fact]
    public void ThePrecisionCoverageCurveCountsTheBestCandidateAtEachThreshold()
    {
        QuestionOutcome[] outcomes =
        [
            new("a", 0, 0, false, false, true, true, 1, CandidateConfidence: 0.9, CandidateCorrect: true),
            new("b", 0, 0, false, false, true, false, 1, CandidateConfidence: 0.8, CandidateCorrect: false),
            new("c", 0, 0, false, false, false, false, 1, CandidateConfidence: 0.5, CandidateCorrect: true),
            new("d", 0, 0, false, false, false, false, 1),
        ];

        var curve = new EvalReport(outcomes).PrecisionCoverage([0.0, 0.6, 0.85, 0.95]);

        Assert.Equal([3, 2, 1, 0], curve.Select(p => p.Shown));
        Assert.Equal([0.75, 0.5, 0.25, 0.0], curve.Select(p => p.Coverage));
        Assert.Equal([2.0 / 3, 0.5, 1.0, 0.0], curve.Select(p => p.Precision));
        Assert.Contains("0.85", new EvalReport(outcomes).CurveTable(), StringComparison.Ordinal);
    }

    [Fact]
    public void GradingKeepsTheBestCandidateEvenWhenTheBoxIsNotShown()
    {
        const string passage = "Super Bowl 50 was won by the Denver Broncos.";
        var response = new SearchResponse { AbstainedAnswer = Span(passage, 29, 43) };
        response.AbstainedAnswer.Confidence = 0.42;

        var outcome = SquadGrader.Grade(Question, response, 1);

        Assert.False(outcome.BoxShown);
        Assert.Equal(0.42, outcome.CandidateConfidence);
        Assert.True(outcome.CandidateCorrect);
    }

    [Fact]
    public void EmptyReportHasZeroesNotNaN()
    {
        Assert.Equal("em=0.000 f1=0.000 top1=0.000 top5=0.000 box_precision=0.000 box_coverage=0.000 p50_ms=0.0 p99_ms=0.0", new EvalReport([]).SummaryLine());
    }

    private static AnswerBox Span(string passage, int start, int end) => new()
    {
        Passage = new Passage { Text = passage, Title = "Super Bowl 50" },
        Text = passage[start..end],
        AnswerStart = start,
        AnswerEnd = end,
        Kind = AnswerKind.Span,
        Confidence = 0.8,
    };

    private static SearchResponse Response(AnswerBox? box, params string[] documentIds)
    {
        var response = new SearchResponse { Answer = box };
        response.Results.AddRange(documentIds.Select(id => new SearchResult { DocumentId = id, PassageId = id + "#0" }));
        return response;
    }
}
