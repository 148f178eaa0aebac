using Search.Reading;
using Search.Text;

namespace Search.Answer.Tests;

/// <summary>
/// Two documents ranked as high that answer one question differently (two exhibitions of one name, two branches of a
/// shop) leave the answer to chance: no box (<see cref="ReaderOptions.AbstainOnRivals"/>, docs/quality.md, "Names as
/// notices give them, and documents that disagree"). Notices of our own, in all three scripts.
/// </summary>
public sealed class RivalDocumentTests
{
    private readonly AnswerExtractor _extractor = new(new ReaderOptions(), AnswerModel.LoadDefault());
    private readonly AnswerExtractor _withoutRule = new(new ReaderOptions { AbstainOnRivals = false }, AnswerModel.LoadDefault());

    public static TheoryData<string, string, string, string, string, string, string> Branches() => new()
    {
        {
            "《海上灯》展览的策展人是谁？",
            "岚山美术馆展览：《海上灯》", "以渔港夜景为主题的展览《海上灯》将于2027年3月6日在岚山美术馆开幕。本次展览的策展人是钱雨欣。门票为60元。", "钱雨欣",
            "临川博物馆展览：《海上灯》", "以灯塔模型为主题的展览《海上灯》将于2027年4月18日在临川博物馆开幕。本次展览的策展人是傅嘉言。门票为45元。", "傅嘉言"
        },
        {
            "《山城記事》展覽的策展人是誰？",
            "南屏藝術館展覽：《山城記事》", "以老街招牌為主題的展覽《山城記事》將於2027年5月2日在南屏藝術館開幕。本次展覽的策展人是曹品妍。門票為80元。", "曹品妍",
            "北埔文化館展覽：《山城記事》", "以礦工生活為主題的展覽《山城記事》將於2027年6月9日在北埔文化館開幕。本次展覽的策展人是溫子豪。門票為50元。", "溫子豪"
        },
        {
            "Who is the manager of the Harrowgate Pantry shop?",
            "Harrowgate Pantry opens on Mill Street", "Harrowgate Pantry opens its Mill Street shop on 3 March. The shop manager is Nadia Forsythe. It is open every day from 8:00 to 18:00.", "Nadia Forsythe",
            "Harrowgate Pantry opens on Quay Road", "Harrowgate Pantry opens its Quay Road shop on 9 April. The shop manager is Tobias Wren. It is open every day from 9:00 to 19:00.", "Tobias Wren"
        },
    };

    [Theory]
    [MemberData(nameof(Branches))]
    public void TwoDocumentsThatDisagreeGetNoBox(string question, string firstTitle, string first, string firstName, string secondTitle, string second, string secondName)
    {
        AnswerPassage[] passages = [new(first, 0.9, 25, firstTitle), new(second, 0.9, 25, secondTitle)];

        var control = _withoutRule.Extract(question, AnswerCues.Detect(question), passages);
        Assert.True(control.Shown, "without the rule the box is shown: " + control.AbstainReason);

        var result = _extractor.Extract(question, AnswerCues.Detect(question), passages);

        Assert.False(result.Shown);
        Assert.Contains("another document", result.AbstainReason, StringComparison.Ordinal);
        Assert.Contains(secondName, result.AbstainReason, StringComparison.Ordinal);
        // The candidate stays for API clients and evaluation, not shown.
        Assert.NotNull(result.Candidate);
        Assert.Contains(firstName, result.Candidate.Sentence.Of(first), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Branches))]
    public void ADocumentRankedWellBelowIsNoRival(string question, string firstTitle, string first, string firstName, string secondTitle, string second, string secondName)
    {
        _ = secondName;
        AnswerPassage[] passages = [new(first, 0.9, 25, firstTitle), new(second, 0.6, 16, secondTitle)];

        var result = _extractor.Extract(question, AnswerCues.Detect(question), passages);

        Assert.True(result.Shown, result.AbstainReason);
        Assert.Contains(firstName, result.Candidate!.Sentence.Of(first), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoParagraphsOfOnePageAreOneSource()
    {
        // The same title: parts of one document, as a Wikipedia page's paragraphs are; the page ranks them, not the rule.
        var (question, title, first, _, _, second, _) = ("Who is the manager of the Harrowgate Pantry shop?", "Harrowgate Pantry shops",
            "Harrowgate Pantry opens its Mill Street shop on 3 March. The shop manager is Nadia Forsythe. It is open every day from 8:00 to 18:00.",
            "", "", "Harrowgate Pantry opens its Quay Road shop on 9 April. The shop manager is Tobias Wren. It is open every day from 9:00 to 19:00.", "");
        AnswerPassage[] passages = [new(first, 0.72, 20, title), new(second, 0.72, 20, title)];

        Assert.Equal(
            _withoutRule.Extract(question, AnswerCues.Detect(question), passages).Shown,
            _extractor.Extract(question, AnswerCues.Detect(question), passages).Shown);
    }
}
