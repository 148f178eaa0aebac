using Search.Cli.Commands;
using Search.Contracts.V1;

namespace Search.Cli.Tests;

/// <summary>What <c>ask</c> prints for an answer box.</summary>
public sealed class AskRenderTests
{
    private const string Text = "Kestrel Lane pool has a new roof. It will reopen on Monday 8 March 2027 after the work. Lanes open at 6:30.";
    private const string Sentence = "It will reopen on Monday 8 March 2027 after the work.";

    [Fact]
    public void ASentenceBoxLeadsWithItsShortAnswerAndMarksItInsideTheSentence()
    {
        var output = AskCommand.Render(Response(SentenceBox("Monday 8 March 2027")));

        Assert.Contains("answer box (sentence, confidence 0.92):\n  Monday 8 March 2027\n", output, StringComparison.Ordinal);
        Assert.Contains("  …It will reopen on [[Monday 8 March 2027]] after the work.…\n", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("6:30")]
    public void ASentenceBoxWithoutItsShortAnswerInsideMarksTheWholeSentence(string shortAnswer)
    {
        var output = AskCommand.Render(Response(SentenceBox(shortAnswer)));

        Assert.Contains($"answer box (sentence, confidence 0.92):\n  {Sentence}\n", output, StringComparison.Ordinal);
        Assert.Contains($"  …[[{Sentence}]]…\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AShortAnswerThatTheSentenceSaysTwiceIsMarkedWhereTheBoxSaysItStands()
    {
        const string twice = "Lanes open 8:00 to 12:00 on weekdays and 9:00 to 12:00 on Saturdays.";
        var box = new AnswerBox
        {
            Text = twice, Kind = AnswerKind.Sentence, Confidence = 0.9, AnswerStart = 0, AnswerEnd = twice.Length,
            Sentence = new TextSpan { Start = 0, End = twice.Length }, ShortAnswer = "12:00",
            Passage = new Passage { Text = twice, Title = "Lanes", Url = "https://pool.example/lanes" },
            ShortAnswerRange = new TextSpan { Start = twice.LastIndexOf("12:00", StringComparison.Ordinal), End = twice.LastIndexOf("12:00", StringComparison.Ordinal) + 5 },
        };

        Assert.Contains("9:00 to [[12:00]] on Saturdays", AskCommand.Render(Response(box)), StringComparison.Ordinal);
        box.ShortAnswerRange = null;
        Assert.Contains("8:00 to [[12:00]] on weekdays", AskCommand.Render(Response(box)), StringComparison.Ordinal);
    }

    [Fact]
    public void ASpanBoxMarksItsSpan()
    {
        var start = Text.IndexOf("6:30", StringComparison.Ordinal);
        var box = new AnswerBox
        {
            Text = "6:30", Kind = AnswerKind.Span, Confidence = 0.81, AnswerStart = start, AnswerEnd = start + 4,
            Sentence = new TextSpan { Start = Text.IndexOf("Lanes", StringComparison.Ordinal), End = Text.Length },
            Passage = Passage(), ShortAnswer = "",
        };

        var output = AskCommand.Render(Response(box));

        Assert.Contains("answer box (span, confidence 0.81):\n  6:30\n  …Lanes open at [[6:30]].\n", output, StringComparison.Ordinal);
    }

    private static AnswerBox SentenceBox(string shortAnswer)
    {
        var start = Text.IndexOf(Sentence, StringComparison.Ordinal);
        return new AnswerBox
        {
            Text = Sentence, Kind = AnswerKind.Sentence, Confidence = 0.92, AnswerStart = start, AnswerEnd = start + Sentence.Length,
            Sentence = new TextSpan { Start = start, End = start + Sentence.Length }, Passage = Passage(), ShortAnswer = shortAnswer,
        };
    }

    private static Passage Passage() => new() { Text = Text, Title = "Kestrel Lane pool reopens", Url = "https://pool.example/news" };

    private static SearchResponse Response(AnswerBox box) => new() { Answer = box };
}
