using Search.Text;

namespace Search.Text.Tests;

/// <summary>Questions written in Cantonese are read in standard written Chinese, and nothing else is touched.</summary>
public sealed class CantoneseQuestionTests
{
    [Theory]
    [InlineData("邊個主禮柏澄區中秋綵燈晚會？", "誰主禮柏澄區中秋綵燈晚會？")]
    [InlineData("晨曦幼稚園K1報名費幾多錢？", "晨曦幼稚園K1報名費多少錢？")]
    [InlineData("五十幾歲喺慈恩長者中心打流感針要幾錢？", "五十幾歲在慈恩長者中心打流感針要多少錢？")]
    [InlineData("海濱大學招牌講座喺邊度舉行？", "海濱大學招牌講座在哪裡舉行？")]
    [InlineData("港灣書房地址喺邊？", "港灣書房地址在哪？")]
    [InlineData("「城市記憶與舊街招牌」講座嘅講者係邊個？", "「城市記憶與舊街招牌」講座的講者是誰？")]
    [InlineData("港灣渡輪颱風停航期間有冇安排巴士接駁？", "港灣渡輪颱風停航期間有沒有安排巴士接駁？")]
    [InlineData("康泰安心住院計劃賠唔賠門診費用？", "康泰安心住院計劃賠不賠門診費用？")]
    [InlineData("福記文具點解要結業", "福記文具為什麼要結業")]
    [InlineData("海濱大學舊街招牌講座用咩語言？", "海濱大學舊街招牌講座用什麼語言？")]
    [InlineData("翠峰苑外牆維修係邊間公司做？", "翠峰苑外牆維修是哪間公司做？")]
    [InlineData("由碼頭行去博物館要幾耐？", "由碼頭行去博物館要多久？")]
    [InlineData("佢哋邊日開幕？", "他們哪天開幕？")]
    [InlineData("慈善步行要行幾遠？", "慈善步行要行多遠？")]
    [InlineData("圖書館星期六幾點閂門？", "圖書館星期六幾點關門？")]
    [InlineData("泳池冬季安排幾時開始", "泳池冬季安排何時開始")]
    [InlineData("泳池星期六開到幾時？", "泳池星期六開到幾時？")]
    [InlineData("停水嗰日可以去邊度攞水？", "停水那日可以去哪裡取水？")]
    [InlineData("邊種會員可以免費泊車", "哪種會員可以免費泊車")]
    [InlineData("睇牙係咪要預約？", "看牙是不是要預約？")]
    // A question with a Simplified-only character gets Simplified words.
    [InlineData("这个讲座嘅讲者系边个？", "这个讲座的讲者是谁？")]
    public void CantoneseQuestionWordsBecomeStandardWrittenChinese(string question, string standard) =>
        Assert.Equal(standard, CantoneseQuestion.ToStandard(question));

    [Theory]
    // 邊 as "side", 係 and 系 in words of their own, 而家 inside 然而家庭, and questions in standard Chinese or English.
    [InlineData("東邊個別路段何時封閉？")]
    [InlineData("旁邊間書店幾點開門？")]
    [InlineData("兩國的關係幾年來有改善嗎？")]
    [InlineData("该系统几点恢复？")]
    [InlineData("中文系几点开会？")]
    [InlineData("然而家庭收入是多少？")]
    [InlineData("西湖高中籃球隊的總教練是誰？")]
    [InlineData("When does the Kestrel Lane surgery open?")]
    [InlineData("")]
    public void OtherTextIsLeftAsItIs(string question) =>
        Assert.Equal(question, CantoneseQuestion.ToStandard(question));

    [Theory]
    [InlineData("邊個主禮柏澄區中秋綵燈晚會？", ExpectedAnswer.Person)]
    [InlineData("晨曦幼稚園K1報名費幾多錢？", ExpectedAnswer.Number)]
    [InlineData("綠窗書室喺邊度？", ExpectedAnswer.Place)]
    [InlineData("翠灣道西行線幾時開始封？", ExpectedAnswer.Time)]
    [InlineData("新分店邊日開張？", ExpectedAnswer.Time)]
    public void TheCuesReadACantoneseQuestionAsTheyReadItsStandardForm(string question, ExpectedAnswer expected) =>
        Assert.Equal(expected, AnswerCues.Detect(question));

    [Fact]
    public void ACantoneseQuestionWithoutAQuestionMarkIsStillAQuestion() =>
        Assert.True(AnswerCues.LooksLikeQuestion("港灣書房地址喺邊"));
}
