using Microsoft.Playwright;
using Search.EndToEnd.Tests.Browser;

namespace Search.EndToEnd.Tests;

/// <summary>The page with a generated answer from the scripted model, on the generation tests' cluster.</summary>
public sealed partial class GenerationTests
{
    [Fact]
    public async Task ThePageLabelsAGeneratedAnswerAndLinksItsCitationsToTheResults()
    {
        fixture.Model.Pieces = ["General relativity was developed by ", "<b>Albert Einstein</b> [1]", "."];
        await using var chromium = new Chromium();
        await chromium.InitializeAsync();
        var (page, watch) = await chromium.OpenAsync(fixture.Cluster.GatewayHttpAddress + "/",
            new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

        await page.FillAsync("#q", Question);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#answer[data-kind=generated] .citation", new PageWaitForSelectorOptions { Timeout = 20_000 });

        Assert.Equal("Generated", await page.TextContentAsync("#answer-label"));
        // Model text is text: its markup shows as written.
        Assert.Equal("General relativity was developed by <b>Albert Einstein</b> [1].", await page.TextContentAsync("#answer .answer-text"));
        Assert.Equal(0, await page.Locator("#answer b").CountAsync());
        Assert.Equal("#result-1", await page.GetAttributeAsync("#answer .citation", "href"));
        Assert.Equal("https://example.org/demo/en-general-relativity", await page.GetAttributeAsync("#result-1 .result-title a", "href"));
        Assert.True(await page.IsEnabledAsync("#answer [data-kind=helpful]"));

        await page.ClickAsync("#answer .citation");
        Assert.Equal("result-1", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "page-shots"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "page-shots", "generated-real-en-desktop.png"), FullPage = true });
        await watch.AssertNoneAsync();
    }

    [Fact]
    public async Task ThePageMarksStreamedTextProvisionalAndSaysSoWhenItIsWithdrawn()
    {
        fixture.Model.Pieces = ["General relativity was developed by ", "Isaac Newton in 1687 [1]", "."];
        await using var chromium = new Chromium();
        await chromium.InitializeAsync();
        var (page, watch) = await chromium.OpenAsync(fixture.Cluster.GatewayHttpAddress + "/",
            new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        // Record what the box looked like while the tokens arrived.
        await page.EvaluateAsync(@"() => {
            window.provisionalSeen = [];
            new MutationObserver(() => {
              const box = document.getElementById('answer');
              if (box.classList.contains('provisional')) window.provisionalSeen.push(box.getAttribute('aria-busy') + ':' + box.querySelector('.answer-text').textContent);
            }).observe(document.getElementById('answer'), { subtree: true, childList: true, characterData: true, attributes: true });
        }");

        await page.FillAsync("#q", Question);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#status:text-matches('withdrawn')", new PageWaitForSelectorOptions { Timeout = 20_000 });

        var seen = await page.EvaluateAsync<string[]>("() => window.provisionalSeen");
        Assert.Contains(seen, s => s.StartsWith("true:", StringComparison.Ordinal) && s.Contains("Isaac Newton", StringComparison.Ordinal));
        Assert.Equal("A generated answer was withdrawn: it did not pass its check against the sources.", await page.TextContentAsync("#status"));
        // What replaced it is the extractive box, no longer provisional, and the withdrawn text is gone.
        Assert.Equal("answer", await page.GetAttributeAsync("#answer", "data-kind"));
        Assert.Equal("false", await page.GetAttributeAsync("#answer", "aria-busy"));
        Assert.DoesNotContain("Newton", await page.TextContentAsync("#answer") ?? "", StringComparison.Ordinal);
        await watch.AssertNoneAsync();
    }
}
