using Microsoft.Playwright;
using Search.TestKit;

namespace Search.EndToEnd.Tests.Browser;

/// <summary>
/// One headless Chromium (apt's /usr/bin/chromium, driven by Playwright) shared by a test class's tests;
/// each test opens its own context. Missing Chromium skips the tests (fails them under CI).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
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

    /// <summary>
    /// A page in a fresh context that records what the page's own security policy refused and every uncaught
    /// script error (<see cref="PageWatch"/>). <paramref name="options"/> sets viewport, locale, or BypassCSP
    /// (needed only to inject a test script such as axe-core, see <see cref="Axe"/>).
    /// </summary>
    public async Task<(IPage Page, PageWatch Watch)> OpenAsync(string url, BrowserNewContextOptions? options = null)
    {
        Prerequisite.Require(_browser is not null, $"Chromium is not installed at {Executable} (apt-get install chromium; make test installs it)");

        var context = await _browser.NewContextAsync(options ?? new BrowserNewContextOptions());
        var page = await context.NewPageAsync();
        var watch = await PageWatch.StartAsync(page);
        await page.GotoAsync(url);
        return (page, watch);
    }
}

/// <summary>What a page reported while a test drove it: CSP violations (event and console) and script errors.</summary>
public sealed class PageWatch
{
    private readonly List<string> _problems = [];
    private IPage _page = null!;

    public static async Task<PageWatch> StartAsync(IPage page)
    {
        var watch = new PageWatch { _page = page };
        // Evaluated by the browser before the page's own scripts, outside the page's CSP.
        await page.AddInitScriptAsync(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', " +
            "e => window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));");
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (watch._problems)
                {
                    watch._problems.Add("console: " + message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (watch._problems)
            {
                watch._problems.Add("script error: " + error);
            }
        };
        return watch;
    }

    /// <summary>Everything reported so far: CSP violations seen by the page and on the console, and script errors.</summary>
    public async Task<IReadOnlyList<string>> ProblemsAsync()
    {
        var violations = await _page.EvaluateAsync<string[]>("() => window.__cspViolations || []");
        lock (_problems)
        {
            return [.. violations.Select(v => "securitypolicyviolation: " + v), .. _problems];
        }
    }

    public async Task AssertNoneAsync()
    {
        var problems = await ProblemsAsync();
        Assert.True(problems.Count == 0, "the page reported:\n" + string.Join("\n", problems));
    }
}
