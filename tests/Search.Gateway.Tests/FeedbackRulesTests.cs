using Search.Gateway.Feedback;

namespace Search.Gateway.Tests;

public sealed class FeedbackRulesTests
{
    [Fact]
    public void ValidFeedbackIsTrimmedAndAnEmptyCorrectionIsNone()
    {
        var submission = FeedbackRules.Validate(new FeedbackInput(" helpful ", "  When was it built? ", "1873\n", "d#0", " v1 ", "  "), out var error);

        Assert.Equal("", error);
        Assert.Equal(new FeedbackSubmission(FeedbackKind.Helpful, "When was it built?", "1873", "d#0", "v1", null), submission);
    }

    [Fact]
    public void LineBreaksAndTabsAreAllowedInTheAnswerAndTheCorrectionOnly()
    {
        var ok = FeedbackRules.Validate(new FeedbackInput("wrong_answer", "q", "line one\nline\ttwo", "", "", "a\r\nb"), out _);
        var query = FeedbackRules.Validate(new FeedbackInput("wrong_answer", "q\tq", "a", "", "", ""), out var error);

        Assert.NotNull(ok);
        Assert.Null(query);
        Assert.Contains("query holds a control character (U+0009)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenSurrogatesAreRefused()
    {
        // Built here, not passed as theory data: xunit's serialisation of theory arguments would repair them.
        foreach (var query in new[] { "q" + (char)0xD800 + "q", "q" + (char)0xDC00 })
        {
            Assert.Null(FeedbackRules.Validate(new FeedbackInput("helpful", query, "a", "", "", ""), out var error));
            Assert.Equal("query holds a broken surrogate pair at character 1", error);
        }
    }

    [Fact]
    public void PairedSurrogatesAreText()
    {
        Assert.NotNull(FeedbackRules.Validate(new FeedbackInput("helpful", "𠀋 is a character", "𠀋", "", "", ""), out _));
    }

    [Fact]
    public void FieldsAtTheirLimitsAreAccepted()
    {
        var submission = FeedbackRules.Validate(new FeedbackInput(
            "wrong_answer", new string('q', FeedbackRules.MaxQueryLength), new string('a', FeedbackRules.MaxAnswerLength),
            new string('p', FeedbackRules.MaxPassageIdLength), new string('m', FeedbackRules.MaxModelVersionLength),
            new string('c', FeedbackRules.MaxCorrectionLength)), out var error);

        Assert.Equal("", error);
        Assert.NotNull(submission);
    }
}
