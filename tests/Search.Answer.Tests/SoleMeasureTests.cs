using Search.Reading;
using Search.Reading.Neural;
using Search.Text;

namespace Search.Answer.Tests;

/// <summary>
/// A question that asks a measure, over a notice that states one of that kind where the question's words are, gets its
/// box although the confidence (fitted on Wikipedia questions) is below the threshold (<see cref="ReaderOptions.ShowSoleMeasures"/>,
/// docs/quality.md, "One measure asked, one stated"). Notices of our own, with the shipped reader as the service reads Chinese.
/// </summary>
public sealed class SoleMeasureTests : IDisposable
{
    private readonly NeuralReader _reader = NeuralReader.Load(NeuralReader.ShippedPath);

    public void Dispose() => _reader.Dispose();

    public static TheoryData<string, string, string, string> SoleMeasures() => new()
    {
        { "红烧豆腐一共要做多长时间？", "红烧豆腐的做法", "红烧豆腐需要一块老豆腐、两勺生抽和少许葱花。豆腐切块后先煎至两面金黄。整道菜一共需要20分钟左右。", "20分钟" },
        { "芦溪游泳馆的成人票多少钱？", "芦溪游泳馆夏季开放", "芦溪游泳馆将于6月1日起夏季开放。馆内泳池水温保持在26度左右。成人票每张35元。", "35元" },
        // The clauses around the other days' hours state times too, but only the times the finders typed are answers.
        {
            "What time does Elmhurst Pool close on Saturdays?", "Elmhurst Pool opening hours",
            "Elmhurst Pool is open Monday to Friday from 6:30 to 21:00 and Saturday from 8:00 to 18:00. On Sundays the pool opens at 9:00 and closes at 14:00. Lessons for children run on weekday afternoons.",
            "18:00"
        },
        { "滷肉飯一共要做多長時間？", "滷肉飯做法", "滷肉飯以豬五花、醬油和冰糖為主要材料。豬五花切丁後先炒出油脂。整道菜一共需要約90分鐘。", "90分鐘" },
    };

    [Theory]
    [MemberData(nameof(SoleMeasures))]
    public void TheOneMeasureOfTheAskedKindIsShownBelowTheThreshold(string question, string title, string notice, string answer)
    {
        AnswerPassage[] passages = [new(notice, 0.9, 20, title)];

        var without = Extractor(rule: false).Extract(question, AnswerCues.Detect(question), passages);
        Assert.False(without.Shown, "the confidence alone already shows it: pick a notice it is unsure of");
        var result = Extractor(rule: true).Extract(question, AnswerCues.Detect(question), passages);

        Assert.True(result.Shown, result.AbstainReason);
        Assert.Equal(answer, result.Candidate!.Answer.Of(notice));
        Assert.InRange(result.Candidate.Confidence, new ReaderOptions().SoleMeasureFloor, Extractor(rule: true).Threshold);
    }

    [Fact]
    public void AnotherMeasureOfTheAskedKindWhereTheQuestionsWordsAreLeavesItToTheConfidence()
    {
        // Three durations, and the question's "一共" and "做" beside two of them: which one is meant is the confidence's call.
        const string question = "红烧豆腐一共要做多长时间？";
        const string notice = "红烧豆腐需要一块老豆腐、两勺生抽和少许葱花。豆腐切块后先煎3分钟至两面金黄。整道菜一共需要20分钟左右，其中要炖8分钟。";
        AnswerPassage[] passages = [new(notice, 0.9, 20, "红烧豆腐的做法")];

        var result = Extractor(rule: true).Extract(question, AnswerCues.Detect(question), passages);

        Assert.False(result.Shown);
        Assert.InRange(result.Candidate!.Confidence, new ReaderOptions().SoleMeasureFloor, 1);
    }

    private AnswerExtractor Extractor(bool rule) => new(new ReaderOptions { ShowSoleMeasures = rule }, AnswerModel.LoadDefault(), _reader);
}
