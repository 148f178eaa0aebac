using Search.Reading;
using Search.Text;

namespace Search.Answer.Tests;

public sealed class SpanExtractorTests
{
    [Theory]
    [InlineData("The telephone was patented by Alexander Graham Bell in 1876.", ExpectedAnswer.Person, "Alexander Graham Bell")]
    [InlineData("The game was played on February 7, 2016, at Levi's Stadium.", ExpectedAnswer.Time, "February 7, 2016")]
    [InlineData("Grunge music became popular in the 1990s in Seattle.", ExpectedAnswer.Time, "1990s")]
    [InlineData("The cathedral was built in the 12th century by local masons.", ExpectedAnswer.Time, "12th century")]
    [InlineData("The Golden Gate Bridge is 2,737 metres long.", ExpectedAnswer.Number, "2,737 metres")]
    [InlineData("About 25 percent of the budget went to defence.", ExpectedAnswer.Number, "25 percent")]
    [InlineData("The club had seven members at its founding in 1901.", ExpectedAnswer.Number, "seven")]
    [InlineData("Albert Einstein was born in Ulm in 1879.", ExpectedAnswer.Place, "Ulm")]
    public void FindsEnglishSpans(string sentence, ExpectedAnswer type, string expected)
    {
        var texts = Spans(sentence, type);

        Assert.Contains(expected, texts);
    }

    [Theory]
    [InlineData("1786年2月2日，亚洲协会在加尔各答举行。", ExpectedAnswer.Time, "1786年2月2日")]
    [InlineData("这座寺庙始建于唐朝，后来多次重修。", ExpectedAnswer.Time, "唐朝")]
    [InlineData("印刷术在11世纪传入中亚。", ExpectedAnswer.Time, "11世纪")]
    [InlineData("长江全长约6300公里，是亚洲第一长河。", ExpectedAnswer.Number, "6300公里")]
    [InlineData("该市人口约有2.5万人。", ExpectedAnswer.Number, "2.5万人")]
    [InlineData("相对论由爱因斯坦提出。", ExpectedAnswer.Person, "爱因斯坦")]
    [InlineData("该公司由马云创立。", ExpectedAnswer.Person, "马云")]
    [InlineData("唐朝的开国皇帝李渊定都长安。", ExpectedAnswer.Person, "李渊")]
    [InlineData("这本书的作者是艾萨克·牛顿（1643年出生）。", ExpectedAnswer.Person, "艾萨克·牛顿")]
    [InlineData("这个工厂位于广东省的东部。", ExpectedAnswer.Place, "广东省")]
    [InlineData("游泳池每月第一个星期二清洁维护。", ExpectedAnswer.Time, "每月第一个星期二")]
    [InlineData("图书馆每周一闭馆。", ExpectedAnswer.Time, "每周一")]
    [InlineData("如有疑问，请拨打客服热线400-820-1688。", ExpectedAnswer.Number, "400-820-1688")]
    [InlineData("请联系物业服务中心，电话0571-8688-2231。", ExpectedAnswer.Number, "0571-8688-2231")]
    public void FindsSimplifiedChineseSpans(string sentence, ExpectedAnswer type, string expected)
    {
        Assert.Contains(expected, Spans(sentence, type));
    }

    [Theory]
    [InlineData("這座鐵路由詹天佑設計。", ExpectedAnswer.Person, "詹天佑")]
    [InlineData("日月潭位於臺灣南投縣。", ExpectedAnswer.Place, "臺灣南投縣")]
    [InlineData("這座城市的人口約有三萬個家庭。", ExpectedAnswer.Number, "三萬個")]
    [InlineData("該條約於十九世紀簽訂。", ExpectedAnswer.Time, "十九世紀")]
    public void FindsTraditionalChineseSpans(string sentence, ExpectedAnswer type, string expected)
    {
        Assert.Contains(expected, Spans(sentence, type));
    }

    [Fact]
    public void PrefersTheWholeDateOverTheYearInsideIt()
    {
        var texts = Spans("It opened on 3 March 1921 after a long delay.", ExpectedAnswer.Time);

        Assert.Contains("3 March 1921", texts);
        Assert.DoesNotContain("1921", texts);
    }

    [Fact]
    public void YearsAreNotCounts()
    {
        var texts = Spans("In 1998 the team won 14 games.", ExpectedAnswer.Number);

        Assert.Contains("14", texts);
        Assert.DoesNotContain("1998", texts);
    }

    [Fact]
    public void SpansStayInsideTheSentenceOfALongerText()
    {
        const string text = "First sentence about nothing. It was founded by Larry Page in 1998. Last one.";
        var sentence = SentenceSplitter.Split(text)[1];

        var spans = SpanExtractor.Find(text, sentence, ExpectedAnswer.Person);

        Assert.NotEmpty(spans);
        Assert.All(spans, s => Assert.True(s.Range.Start >= sentence.Start && s.Range.End <= sentence.End));
        Assert.Contains("Larry Page", spans.Select(s => s.Range.Of(text)));
    }

    [Theory]
    [InlineData("She succeeds Dr. Paul Lindqvist, who retires in March.", "Dr. Paul Lindqvist")]
    [InlineData("The prize went to Prof Mei Tanaka last year.", "Prof Mei Tanaka")]
    [InlineData("Mrs. Ellen Ward opened the new wing.", "Mrs. Ellen Ward")]
    public void AnHonorificStaysWithTheNameItPrecedes(string sentence, string name)
    {
        var texts = Spans(sentence, ExpectedAnswer.Person);

        Assert.Contains(name, texts);
        Assert.DoesNotContain(texts, t => t.TrimEnd('.') is "Dr" or "Prof" or "Mrs");
    }

    [Fact]
    public void ChineseWorkingDaysAndMonthsAreCounted()
    {
        var texts = Spans("退款将在验收后3个工作日内退回，保修期为6个月。", ExpectedAnswer.Number);

        Assert.Contains("3个工作日", texts);
        Assert.Contains("6个月", texts);
    }

    [Fact]
    public void UntypedQuestionsGetNoSpans()
    {
        Assert.Empty(Spans("Paris is the capital of France since 987.", ExpectedAnswer.None));
    }

    private static List<string> Spans(string sentence, ExpectedAnswer type) =>
        SpanExtractor.Find(sentence, new TextRange(0, sentence.Length), type).Select(s => s.Range.Of(sentence)).ToList();

    [Theory]
    // Sentences of our own, written as notices name people (docs/quality.md, "Names as notices give them"): before this,
    // the Chinese finder knew only the cues of encyclopedia prose ("由…提出", "皇帝…") and found none of these.
    [InlineData("如需改期，请联系前台主管邓雨桐。", "邓雨桐")]
    [InlineData("本期讲座的主讲人为社区营养师，负责人是孔令华。", "孔令华")]
    [InlineData("区文化局昨日宣布，任命蒋文涛为新馆长。", "蒋文涛")]
    [InlineData("他将接替任职九年后荣休的苏启明。", "苏启明")]
    [InlineData("冯思远攻入了全场唯一的进球。", "冯思远")]
    [InlineData("現場由藥師鄭雅文負責解說。", "鄭雅文")]
    [InlineData("感謝讀者葉俊宏來信指正。", "葉俊宏")]
    [InlineData("週三的書法課改由趙文彬老師授課。", "趙文彬")]
    [InlineData("看屋請洽管理室林先生。", "林先生")]
    [InlineData("有关职位的问题请联系招聘负责人陈磊建。", "陈磊建")]
    [InlineData("如有漏送，请联系店员小蔡处理。", "小蔡")]
    public void FindsTheNamesNoticesGive(string sentence, string name)
    {
        Assert.Contains(name, Spans(sentence, ExpectedAnswer.Person));
    }

    [Theory]
    // A role word before something that is no name, and a 的 that is not a successor's.
    [InlineData("请联系前台，或拨打热线。")]
    [InlineData("本店店长高度重视顾客的意见。")]
    [InlineData("我们感谢各位的耐心等待。")]
    public void ARoleOrAVerbWithoutANameAfterItFindsNone(string sentence)
    {
        Assert.Empty(Spans(sentence, ExpectedAnswer.Person));
    }

    [Theory]
    // Notice names, and names as encyclopedias give them (which the notice cues leave to the other finders).
    [InlineData("感謝會員黃子軒回報此錯誤。", "黃子軒")]
    [InlineData("如需改期，请联系前台主管邓雨桐。", "邓雨桐")]
    [InlineData("感谢乘客刘佳怡报告这个问题。", "刘佳怡")]
    [InlineData("亨利八世於1509年即位。", null)]
    [InlineData("1859年，达尔文系统地提出了以自然选择为基础的进化论。", null)]
    public void NoticeNamesAreTheNamesOnlyTheNoticeCuesFind(string sentence, string? name)
    {
        var names = SpanExtractor.NoticeNames(sentence, new TextRange(0, sentence.Length)).Select(c => c.Range.Of(sentence));

        Assert.Equal(name is null ? [] : [name], names);
    }

    [Fact]
    public void AnAdverbBeforeAPersonCueIsNotAName()
    {
        const string text = "1859年，达尔文系统地提出了以自然选择为基础的进化论。";

        var spans = SpanExtractor.Find(text, new TextRange(0, text.Length), ExpectedAnswer.Person);

        Assert.DoesNotContain(spans, c => c.Range.Of(text).EndsWith('地'));
    }

    [Theory]
    [InlineData("Appointments can be booked by calling 020 7946 0321 on weekdays.", "020 7946 0321")]
    [InlineData("Call +44 20 7946 0321 for help.", "+44 20 7946 0321")]
    [InlineData("The helpline is 800-555-0199.", "800-555-0199")]
    public void ATelephoneNumberIsOneSpan(string sentence, string expected) =>
        Assert.Contains(expected, Spans(sentence, ExpectedAnswer.Number));

    [Theory]
    [InlineData("The site was open 1998-2004-2011, then closed.", "1998-2004-2011")]
    [InlineData("Version 5.4 was released on 2026-12-06 to 120 000 users.", "2026-12-06")]
    [InlineData("It has 12 500 members.", "12 500")]
    public void YearsDatesAndGroupedFiguresAreNotTelephoneNumbers(string sentence, string notExpected) =>
        Assert.DoesNotContain(notExpected, Spans(sentence, ExpectedAnswer.Number));
}
