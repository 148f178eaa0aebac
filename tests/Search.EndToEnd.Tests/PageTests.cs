using Microsoft.Playwright;
using Search.Contracts.V1;
using Search.TestKit;

namespace Search.EndToEnd.Tests;

/// <summary>The answer-box page in real headless Chromium against the demo cluster.</summary>
public sealed class PageTests(DemoClusterFixture fixture) : IClassFixture<DemoClusterFixture>, IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-hans")]
    [InlineData("zh-hant")]
    public async Task ThePageShowsTheAnswerHighlightedInItsPassageAboveTheResults(string language)
    {
        var page = await OpenAsync();
        // The page is under test here, not the answerer: take the language's first question that gets a box.
        DemoQuestion? question = null;
        foreach (var candidate in DemoQuestion.All.Where(q => q.DocumentId.StartsWith(language + "-", StringComparison.Ordinal)))
        {
            if ((await fixture.Client.SearchAsync(candidate.Question, cancellationToken: TestContext.Current.CancellationToken)).Answer is not null)
            {
                question = candidate;
                break;
            }
        }

        Assert.NotNull(question);

        await page.FillAsync("#q", question.Question);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#results li");

        // The page streams: results first, then the answer once the answer stage is done.
        try
        {
            await page.WaitForSelectorAsync("#answer", new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible, Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"no answer box for {question.Question}");
        }

        var answer = await page.TextContentAsync("#answer .answer-text");
        var marked = await page.TextContentAsync("#answer .answer-passage mark");
        Assert.Equal(answer, marked);
        Assert.False(string.IsNullOrWhiteSpace(answer));
        var firstLink = await page.GetAttributeAsync("#results li a", "href");
        Assert.Equal($"https://example.org/demo/{question.DocumentId}", firstLink);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), $"search-page-{language}.png"), FullPage = true });
    }

    [Fact]
    public async Task TheAnswerBoxButtonsRecordHelpfulNotHelpfulAndAReportedCorrection()
    {
        var ct = TestContext.Current.CancellationToken;
        var page = await OpenAsync();
        DemoQuestion? question = null;
        AnswerBox? box = null;
        foreach (var candidate in DemoQuestion.All.Where(q => q.DocumentId.StartsWith("en-", StringComparison.Ordinal)))
        {
            if ((await fixture.Client.SearchAsync(candidate.Question, cancellationToken: ct)).Answer is { } answer)
            {
                (question, box) = (candidate, answer);
                break;
            }
        }

        Assert.NotNull(question);
        Assert.NotNull(box);
        await page.FillAsync("#q", question.Question);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#answer", new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible, Timeout = 20_000 });
        await page.WaitForSelectorAsync("#answer [data-kind=helpful]:enabled", new PageWaitForSelectorOptions { Timeout = 20_000 });
        var shown = await page.TextContentAsync("#answer .answer-text");

        await page.ClickAsync("#answer [data-kind=not_helpful]");
        await page.WaitForFunctionAsync("document.querySelector('#answer .feedback-status').textContent.startsWith('Thank you')");
        // One piece of feedback per answer from the buttons; the report form is how to say more.
        Assert.True(await page.IsDisabledAsync("#answer [data-kind=helpful]"));

        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#answer [data-kind=wrong_answer]:enabled", new PageWaitForSelectorOptions { Timeout = 20_000 });
        Assert.True(await page.IsHiddenAsync("#report"));
        await page.ClickAsync("#answer [data-kind=wrong_answer]");
        Assert.Equal("true", await page.GetAttributeAsync("#answer [data-kind=wrong_answer]", "aria-expanded"));
        const string correction = "<img src=x onerror=\"document.title='pwned'\">It was someone else";
        await page.FillAsync("#correction", correction);
        await page.ClickAsync("#report button[type=submit]");
        await page.WaitForFunctionAsync("document.querySelector('#answer .feedback-status').textContent.startsWith('Thank you')");
        Assert.Equal("Search", await page.TitleAsync());
        Assert.Equal(0, await page.Locator("#answer img").CountAsync());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/feedback");
        request.Headers.Add("X-Api-Key", fixture.Cluster.IngestApiKey);
        using var listed = await fixture.Http.SendAsync(request, ct);
        listed.EnsureSuccessStatusCode();
        using var list = System.Text.Json.JsonDocument.Parse(await listed.Content.ReadAsStringAsync(ct));
        var mine = list.RootElement.GetProperty("feedback").EnumerateArray()
            .Where(e => e.GetProperty("query").GetString() == question.Question).ToList();
        Assert.Equal(["wrong_answer", "not_helpful"], mine.Select(e => e.GetProperty("kind").GetString()));
        Assert.All(mine, e => Assert.Equal(shown, e.GetProperty("answer").GetString()));
        Assert.Equal(box.Text, shown);
        Assert.All(mine, e => Assert.Equal(box.Passage.PassageId, e.GetProperty("passage_id").GetString()));
        Assert.Equal(correction, mine[0].GetProperty("correction").GetString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "search-page-feedback.png"), FullPage = true });
    }

    [Fact]
    public async Task DocumentMarkupIsShownAsTextAndNeverRuns()
    {
        await fixture.Client.UpsertAsync(
        [
            new Document
            {
                Id = "page-hostile",
                Title = "<img src=x onerror=\"document.title='pwned'\">Snorkelwump",
                Text = "The snorkelwump <script>document.title='pwned'</script><b>festival</b> is held each winter.",
                Url = "javascript:document.title='pwned'",
            },
        ], TestContext.Current.CancellationToken);
        var page = await OpenAsync();

        await page.FillAsync("#q", "snorkelwump festival");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#results li");

        Assert.Equal("Search", await page.TitleAsync());
        Assert.Equal(0, await page.Locator("#results img, #results script, #results b").CountAsync());
        Assert.Contains("<script>", await page.TextContentAsync("#results li .snippet"), StringComparison.Ordinal);
        // A javascript: url is not made into a link.
        Assert.Equal(0, await page.Locator("#results a[href^='javascript']").CountAsync());
    }

    [Fact]
    public async Task AnEmptyOrOverlongQueryShowsTheMessageInsteadOfResults()
    {
        var page = await OpenAsync();
        await page.GotoAsync(fixture.Cluster.GatewayHttpAddress + "/?q=" + new string('x', 1001));
        await page.WaitForFunctionAsync("document.getElementById('status').textContent.length > 0 && !document.getElementById('status').textContent.startsWith('Searching')");

        Assert.Contains("1000", await page.TextContentAsync("#status"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#results li").CountAsync());
    }

    private async Task<IPage> OpenAsync()
    {
        Prerequisite.Require(_browser is not null, $"Chromium is not installed at {Chromium} (apt-get install chromium; make test installs it)");

        var page = await _browser.NewPageAsync();
        await page.GotoAsync(fixture.Cluster.GatewayHttpAddress + "/");
        return page;
    }
}
