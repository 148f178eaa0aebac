using Search.Evaluation.Datasets;
using Search.Evaluation.Synthetic;
using Search.Text;

namespace Search.Evaluation.Tests;

/// <summary>The synthetic notices (<c>search-cli notices</c>) are well-formed training data in all three scripts.</summary>
public sealed class NoticeWriterTests
{
    private static readonly IReadOnlyList<Notice> Notices = NoticeWriter.Write(perKind: 12, seed: 5);

    [Fact]
    public void EveryKindIsWrittenInEveryLanguageWithFourAnsweredQuestionsAndOneUnanswered()
    {
        Assert.Equal(NoticeKinds.All.Count * NoticeKinds.Languages.Count * 12, Notices.Count);
        Assert.Equal(Notices.Count, Notices.Select(n => n.Id).Distinct().Count());
        foreach (var notice in Notices)
        {
            Assert.Equal(NoticeWriter.FactsStated, notice.Questions.Count(q => q.Answer is not null));
            Assert.Single(notice.Questions, q => q.Answer is null);
        }
    }

    [Fact]
    public void EveryAnswerIsInItsNoticeWhereItSaysAndEverySlotIsFilled()
    {
        foreach (var notice in Notices)
        {
            foreach (var question in notice.Questions.Where(q => q.Answer is not null))
            {
                Assert.Equal(question.Answer, notice.Context.Substring(question.AnswerStart, question.Answer!.Length));
            }

            foreach (var text in notice.Questions.Select(q => q.Question).Append(notice.Context).Append(notice.Title))
            {
                Assert.DoesNotContain('{', text);
                Assert.DoesNotContain('}', text);
            }
        }
    }

    [Fact]
    public void TheUnansweredQuestionAsksAFactTheNoticeDoesNotState()
    {
        // Its question is the one of a fact left out: none of the stated facts' questions is the same.
        foreach (var notice in Notices)
        {
            var unanswered = notice.Questions.Single(q => q.Answer is null).Question;
            Assert.DoesNotContain(notice.Questions.Where(q => q.Answer is not null), q => q.Question == unanswered);
        }
    }

    [Theory]
    [InlineData(20, 7)] // the file docs/quality.md measures
    [InlineData(12, 5)]
    public void NoOtherNoticeAnswersAQuestionItsOwnNoticeLeavesUnanswered(int perKind, int seed)
    {
        // Coined names repeat: "雲嘉杯" in a Traditional notice and "云嘉杯" in a Simplified one are one cup to retrieval,
        // so the other's answer to "雲嘉杯決賽有多少名觀眾？" would be right, not a box on an unanswerable question.
        var notices = NoticeWriter.Write(perKind, seed);
        var answered = notices
            .SelectMany(n => n.Questions.Where(q => q.Answer is not null).Select(q => (Notice: n.Id, Question: ChineseScript.ToSimplified(q.Question))))
            .ToLookup(q => q.Question, q => q.Notice, StringComparer.Ordinal);
        foreach (var notice in notices)
        {
            var unanswered = ChineseScript.ToSimplified(notice.Questions.Single(q => q.Answer is null).Question);
            Assert.DoesNotContain(answered[unanswered], id => id != notice.Id);
        }
    }

    [Fact]
    public void ChineseNoticesAreInTheirOwnScript()
    {
        foreach (var notice in Notices.Where(n => n.Language != NoticeKinds.English))
        {
            var text = notice.Title + notice.Context + string.Concat(notice.Questions.Select(q => q.Question));
            Assert.Contains(text, ChineseScript.IsHan);
            if (notice.Language == NoticeKinds.Simplified)
            {
                Assert.DoesNotContain(text, ChineseScript.IsTraditionalOnly);
            }
            else
            {
                Assert.DoesNotContain(text, ChineseScript.IsSimplifiedOnly);
            }
        }

        Assert.All(Notices.Where(n => n.Language == NoticeKinds.English), n => Assert.DoesNotContain(n.Context, ChineseScript.IsHan));
    }

    [Fact]
    public void TheSameSeedWritesTheSameNoticesAndAnotherSeedOthers()
    {
        var again = NoticeWriter.Write(perKind: 12, seed: 5);
        var other = NoticeWriter.Write(perKind: 12, seed: 6);

        Assert.Equal(Notices.Select(n => n.Context), again.Select(n => n.Context));
        Assert.True(Notices.Zip(other).Count(p => p.First.Context != p.Second.Context) > Notices.Count / 2);
    }

    [Fact]
    public void TheFileIsReadBackAsSquadTwoWithLanguagesAndUnanswerableQuestions()
    {
        using var stream = new MemoryStream();
        NoticeWriter.WriteSquad(Notices, stream, "test");
        stream.Position = 0;
        var dataset = SquadReader.Read(stream, "notices");

        Assert.Equal(Notices.Count, dataset.Documents.Count);
        Assert.Equal(Notices.Sum(n => n.Questions.Count), dataset.Questions.Count);
        Assert.Equal(Notices.Count, dataset.Questions.Count(q => q.Impossible));
        Assert.All(dataset.Questions.Where(q => !q.Impossible), q => Assert.Single(q.Answers));
        Assert.Equal(
            NoticeKinds.Languages.Order(StringComparer.Ordinal),
            dataset.Documents.Select(d => d.Lang).Distinct().Order(StringComparer.Ordinal));
    }
}
