using System.Net;
using System.Text.Json;
using Search.Gateway.Pipeline;
using Search.Text;

namespace Search.Gateway.Tests;

/// <summary>
/// The gateway in a real host with every downstream address pointing at a closed
/// loopback port: input validation must answer before any stage is called, and a
/// missing retrieval must surface as 503, never 500.
/// </summary>
public sealed class GatewayHostTests : IClassFixture<DefaultIsolatedGateway>
{
    private readonly HttpClient _http;

    public GatewayHostTests(DefaultIsolatedGateway factory) => _http = factory.CreateClient();

    [Theory]
    [InlineData("/api/search", "empty")]
    [InlineData("/api/search?q=", "empty")]
    [InlineData("/api/search?q=%20%20%09", "empty")]
    [InlineData("/api/search?q=x&k=two", "k must")]
    [InlineData("/api/search?q=x&k=51", "k must")]
    [InlineData("/api/search?q=x&lang=fr", "unknown language")]
    public async Task BadRequestsGet400WithAMessage(string url, string message)
    {
        using var response = await _http.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains(message, json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOverlongQueryGets400NamingTheLimit()
    {
        using var response = await _http.GetAsync("/api/search?q=" + new string('x', 1001), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1000", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/search?q=", "珠穆朗玛峰有多高", "zh-Hans")]
    [InlineData("/api/search/stream?q=", "台北101有多少層", "zh-Hant")]
    [InlineData("/api/search?lang=zh-Hant&q=", "珠穆朗玛峰有多高", "zh-Hant")]
    [InlineData("/api/search?k=two&q=", "How high is Everest", "en")]
    public async Task ARefusedSearchNamesItsQuerysLanguageForThePage(string url, string phrase, string language)
    {
        var query = string.Concat(Enumerable.Repeat(phrase, 1000 / phrase.Length + 1));
        using var tooLong = await _http.GetAsync(url + Uri.EscapeDataString(query), TestContext.Current.CancellationToken);
        // Refused too: 503, as retrieval is down here (400 for the bad k).
        using var brief = await _http.GetAsync(url + Uri.EscapeDataString(phrase), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        using var refused = JsonDocument.Parse(await tooLong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(language, refused.RootElement.GetProperty("language").GetString());
        using var alsoRefused = JsonDocument.Parse(await brief.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(language, alsoRefused.RootElement.GetProperty("language").GetString());
    }

    [Fact]
    public async Task AQueryOfOnlyControlCharactersIsEmptyEvenWithoutTheRouter()
    {
        using var response = await _http.GetAsync("/api/search?q=%00%01%1B", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AMissingRetrievalIs503WithAMessage()
    {
        using var response = await _http.GetAsync("/api/search?q=who+invented+the+telephone", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("retrieval", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePageIsServedAtTheRoot()
    {
        var html = await _http.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("search-form", html, StringComparison.Ordinal);
        var script = await _http.GetStringAsync("/app.js", TestContext.Current.CancellationToken);
        // Document text must reach the page through textContent only.
        Assert.DoesNotContain(".innerHTML", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthAnswersOverHttp()
    {
        using var response = await _http.GetAsync("/health/live", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class FallbackRouteTests
{
    [Theory]
    [InlineData("Who wrote Hamlet?", TextLanguage.English, QueryIntent.Question, ExpectedAnswer.Person)]
    [InlineData("珠穆朗玛峰有多高", TextLanguage.SimplifiedChinese, QueryIntent.Question, ExpectedAnswer.Number)]
    [InlineData("台北101在哪裡", TextLanguage.TraditionalChinese, QueryIntent.Question, ExpectedAnswer.Place)]
    [InlineData("penicillin discovery", TextLanguage.English, QueryIntent.Keyword, ExpectedAnswer.None)]
    public void TheGatewayRoutesOnItsOwnWhenTheRouterIsDown(string query, TextLanguage language, QueryIntent intent, ExpectedAnswer type)
    {
        var route = SearchPipeline.FallbackRoute(query, TextLanguage.Unknown);

        Assert.Equal(language, route.Language);
        Assert.Equal(intent, route.Intent);
        Assert.Equal(type, route.AnswerType);
        Assert.Equal(intent == QueryIntent.Question, route.ShouldAnswer);
    }

    [Fact]
    public void TheCallersLanguageHintWins()
    {
        Assert.Equal(TextLanguage.TraditionalChinese, SearchPipeline.FallbackRoute("hello", TextLanguage.TraditionalChinese).Language);
    }

    [Fact]
    public void TheFallbackRouteNormalisesTheQuery()
    {
        Assert.Equal("ABC def", SearchPipeline.FallbackRoute("  ＡＢＣ\u200B\t def ", TextLanguage.Unknown).NormalizedQuery);
    }
}
