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
