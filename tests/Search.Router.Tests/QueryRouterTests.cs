using Microsoft.Extensions.Options;
using Search.Router.Routing;
using Search.Text;

namespace Search.Router.Tests;

public class QueryRouterTests
{
    private static readonly QueryRouter Router = new(Options.Create(new RouterOptions()));

    [Theory(DisableDiscoveryEnumeration = true)]
    [InlineData("ＷＨＯ　ｉｎｖｅｎｔｅｄ　ｔｈｅ　ｔｅｌｅｐｈｏｎｅ？", "WHO invented the telephone?")]
    [InlineData("  who \t\n  wrote\u00A0\u3000 hamlet  ", "who wrote hamlet")]
    [InlineData("\u200Bwho wrote hamlet\u200B\uFEFF", "who wrote hamlet")]
    [InlineData("ﬁrst moon landing", "first moon landing")]
    [InlineData("水的沸点是多少？", "水的沸点是多少?")]
    public void RouteNormalisesTheQuery(string query, string expected)
    {
        Assert.Equal(expected, RouteOk(query).NormalizedQuery);
    }

    [Fact]
    public void RouteDropsZeroWidthAndControlCharactersInsideTheQuery()
    {
        var normalized = RouteOk("who\u200B wrote\u0007 ham\u202Elet").NormalizedQuery;

        Assert.DoesNotContain(normalized, c => char.IsControl(c) || c is '\u200B' or '\u202E');
        Assert.StartsWith("who wrote", normalized, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteDropsLoneSurrogates()
    {
        Assert.Equal("who wrote hamlet", RouteOk("who \uD800wrote hamlet\uDC00").NormalizedQuery);
    }

    [Theory(DisableDiscoveryEnumeration = true)]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \t\r\n")]
    [InlineData("\u200B\u200C\uFEFF")]
    [InlineData("\0\u0001\u001F")]
    public void RouteRejectsQueriesEmptyAfterNormalisation(string? query)
    {
        Assert.Equal("query is empty", RouteError(query));
    }

    [Fact]
    public void RouteRejectsALoneSurrogateAsEmpty()
    {
        // Not an [InlineData] case: attribute metadata cannot carry a lone surrogate.
        Assert.Equal("query is empty", RouteError("\uD800"));
    }

    [Fact]
    public void RouteAcceptsAQueryAtTheLimitAndRejectsOneOver()
    {
        RouteOk(new string('a', 1000));

        Assert.Equal("query has 1001 characters; at most 1000 are accepted", RouteError(new string('a', 1001)));
    }

    [Fact]
    public void RouteMeasuresTheLimitAfterNormalisation()
    {
        // 5,000 spaces collapse away: the query is one character long.
        Assert.Equal("a b", RouteOk(new string(' ', 2500) + "a" + new string(' ', 2500) + "b").NormalizedQuery);
    }

    [Fact]
    public void RouteRejectsHugeRawInputBeforeNormalising()
    {
        Assert.Contains("1000", RouteError(new string(' ', 8001) + "a"), StringComparison.Ordinal);
    }

    [Fact]
    public void RouteUsesTheConfiguredLimit()
    {
        var router = new QueryRouter(Options.Create(new RouterOptions { MaxQueryLength = 10, MaxInputLength = 20 }));

        Assert.False(router.TryRoute("who wrote hamlet", null, out _, out var error));
        Assert.Equal("query has 16 characters; at most 10 are accepted", error);
    }

    [Theory]
    [InlineData("who discovered penicillin", TextLanguage.English)]
    [InlineData("水的沸点是多少", TextLanguage.SimplifiedChinese)]
    [InlineData("谁发明了电话", TextLanguage.SimplifiedChinese)]
    [InlineData("誰發明了電話", TextLanguage.TraditionalChinese)]
    [InlineData("這個國家的首都在哪裡", TextLanguage.TraditionalChinese)]
    [InlineData("iPhone 是哪一年发布的", TextLanguage.SimplifiedChinese)]
    [InlineData("12345", TextLanguage.English)]
    [InlineData("?!", TextLanguage.English)]
    public void RouteDetectsTheLanguage(string query, TextLanguage expected)
    {
        Assert.Equal(expected, RouteOk(query).Language);
    }

    [Theory]
    [InlineData("zh-Hant", TextLanguage.TraditionalChinese)]
    [InlineData("zh-TW", TextLanguage.TraditionalChinese)]
    [InlineData("zh-Hans", TextLanguage.SimplifiedChinese)]
    [InlineData("en", TextLanguage.English)]
    [InlineData("", TextLanguage.SimplifiedChinese)]
    public void RouteLetsTheHintWinOverDetection(string hint, TextLanguage expected)
    {
        Assert.True(Router.TryRoute("水的沸点是多少", hint, out var route, out _));
        Assert.Equal(expected, route.Language);
    }

    [Theory(DisableDiscoveryEnumeration = true)]
    [InlineData("fr")]
    [InlineData("zh-Latn")]
    [InlineData("en\0")]
    public void RouteRejectsAnUnknownHintNamingTheAcceptedValues(string hint)
    {
        Assert.False(Router.TryRoute("who wrote hamlet", hint, out _, out var error));
        Assert.Contains("en, zh-Hans or zh-Hant", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteEchoesOnlyAShortPrefixOfAHugeHint()
    {
        Assert.False(Router.TryRoute("who wrote hamlet", new string('x', 100_000), out _, out var error));
        Assert.True(error.Length < 200, error);
    }

    [Theory]
    // English
    [InlineData("who discovered penicillin", QueryIntent.Question, ExpectedAnswer.Person)]
    [InlineData("When did World War II end?", QueryIntent.Question, ExpectedAnswer.Time)]
    [InlineData("what year was the Eiffel Tower built", QueryIntent.Question, ExpectedAnswer.Time)]
    [InlineData("What is the deadline to apply for the Helmsworth Cycles mechanic job?", QueryIntent.Question, ExpectedAnswer.Time)]
    [InlineData("what's the closing date for entries", QueryIntent.Question, ExpectedAnswer.Time)]
    [InlineData("where is the Great Barrier Reef", QueryIntent.Question, ExpectedAnswer.Place)]
    [InlineData("how many bones are in the human body", QueryIntent.Question, ExpectedAnswer.Number)]
    [InlineData("how tall is Mount Everest", QueryIntent.Question, ExpectedAnswer.Number)]
    [InlineData("what is photosynthesis", QueryIntent.Question, ExpectedAnswer.None)]
    [InlineData("is the earth round", QueryIntent.Question, ExpectedAnswer.None)]
    [InlineData("penicillin discovery", QueryIntent.Keyword, ExpectedAnswer.None)]
    // Simplified Chinese
    [InlineData("谁发明了电话", QueryIntent.Question, ExpectedAnswer.Person)]
    [InlineData("长城是什么时候建造的", QueryIntent.Question, ExpectedAnswer.Time)]
    [InlineData("故宫在哪里", QueryIntent.Question, ExpectedAnswer.Place)]
    [InlineData("水的沸点是多少", QueryIntent.Question, ExpectedAnswer.Number)]
    [InlineData("太阳系有几颗行星", QueryIntent.Question, ExpectedAnswer.None)]
    [InlineData("地球是圆的吗", QueryIntent.Question, ExpectedAnswer.None)]
    [InlineData("光合作用原理", QueryIntent.Keyword, ExpectedAnswer.None)]
    public void RouteFindsIntentAndAnswerType(string query, QueryIntent intent, ExpectedAnswer answer)
    {
        var route = RouteOk(query);

        Assert.Equal(intent, route.Intent);
        Assert.Equal(answer, route.AnswerType);
    }

    [Theory]
    // The cues are written in Simplified and see these through folding: 誰 麼 裡 幾 長 為 處.
    [InlineData("誰發明了電話", ExpectedAnswer.Person)]
    [InlineData("長城是什麼時候建造的", ExpectedAnswer.Time)]
    [InlineData("故宮在哪裡", ExpectedAnswer.Place)]
    [InlineData("這個國家有多少人口", ExpectedAnswer.Number)]
    [InlineData("颱風季節通常是幾月", ExpectedAnswer.Time)]
    [InlineData("捷運翠谷線哪幾天停駛", ExpectedAnswer.Time)]
    [InlineData("淡水河有多長", ExpectedAnswer.Number)]
    [InlineData("為什麼天空是藍色的", ExpectedAnswer.None)]
    [InlineData("國父紀念館位於何處", ExpectedAnswer.Place)]
    public void RouteFindsTraditionalChineseQuestions(string query, ExpectedAnswer answer)
    {
        var route = RouteOk(query);

        Assert.Equal(TextLanguage.TraditionalChinese, route.Language);
        Assert.Equal(QueryIntent.Question, route.Intent);
        Assert.Equal(answer, route.AnswerType);
    }

    [Theory]
    [InlineData("github.com")]
    [InlineData("www.example.org")]
    [InlineData("https://en.wikipedia.org/wiki/Penicillin")]
    [InlineData("github.com?")]
    [InlineData("facebook login")]
    [InlineData("gmail sign in")]
    [InlineData("python download")]
    [InlineData("nasa official site")]
    [InlineData("百度官网")]
    [InlineData("淘宝 登录")]
    [InlineData("微信下载")]
    [InlineData("台灣大學官網")]
    [InlineData("國立臺灣大學 首頁")]
    [InlineData("Google 下載")]
    [InlineData("健保署 官方網站")]
    [InlineData("蝦皮 登錄")]
    [InlineData("博客來 註冊")]
    [InlineData("故宮博物院 網址")]
    [InlineData("個人主頁")]
    public void RouteSendsNavigationalQueriesWithoutAnswer(string query)
    {
        var route = RouteOk(query);

        Assert.Equal(QueryIntent.Navigational, route.Intent);
        Assert.False(route.ShouldAnswer);
        Assert.Equal(ExpectedAnswer.None, route.AnswerType);
        Assert.Contains("navigational", route.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RoutePrefersQuestionFormOverSiteWords()
    {
        var route = RouteOk("how do I download python");

        Assert.Equal(QueryIntent.Question, route.Intent);
        Assert.True(route.ShouldAnswer);
    }

    [Theory]
    [InlineData("boiling point water", true)]
    [InlineData("珠穆朗玛峰 高度", true)]
    [InlineData("python", false)]
    [InlineData("水", false)]
    [InlineData("12345", false)]
    public void RouteAnswersKeywordQueriesWithTwoContentTerms(string query, bool shouldAnswer)
    {
        var route = RouteOk(query);

        Assert.Equal(QueryIntent.Keyword, route.Intent);
        Assert.Equal(shouldAnswer, route.ShouldAnswer);
    }

    [Fact]
    public void RouteUsesTheConfiguredKeywordThreshold()
    {
        var router = new QueryRouter(Options.Create(new RouterOptions { MinKeywordTermsForAnswer = 4 }));

        Assert.True(router.TryRoute("boiling point water", null, out var route, out _));
        Assert.False(route.ShouldAnswer);
    }

    [Theory]
    [InlineData("what is it?")]
    [InlineData("?")]
    public void RouteDoesNotAnswerAQuestionWithoutContentWords(string query)
    {
        var route = RouteOk(query);

        Assert.Equal(QueryIntent.Question, route.Intent);
        Assert.False(route.ShouldAnswer);
    }

    [Theory]
    [InlineData("<b>who</b> wrote <i>hamlet</i>")]
    [InlineData("title:(a OR b) AND \"")]
    [InlineData("*")]
    [InlineData("~")]
    [InlineData("\\")]
    [InlineData("who wrote hamlet~2 AND author:*")]
    public void RouteTreatsMarkupAndQuerySyntaxAsText(string query)
    {
        Assert.Equal(query, RouteOk(query).NormalizedQuery);
    }

    [Theory]
    [MemberData(nameof(HostileQueries.All), MemberType = typeof(HostileQueries), DisableDiscoveryEnumeration = true)]
    public void RouteNeverThrowsOnHostileInput(string query)
    {
        if (Router.TryRoute(query, null, out var route, out var error))
        {
            Assert.NotEmpty(route.NormalizedQuery);
            Assert.NotEmpty(route.Reason);
        }
        else
        {
            Assert.NotEmpty(error);
        }
    }

    private static QueryRoute RouteOk(string query)
    {
        Assert.True(Router.TryRoute(query, null, out var route, out var error), error);
        return route;
    }

    private static string RouteError(string? query)
    {
        Assert.False(Router.TryRoute(query, null, out _, out var error));
        return error;
    }
}
