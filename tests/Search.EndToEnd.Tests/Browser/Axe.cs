using System.Text.Json;
using Microsoft.Playwright;
using Search.TestKit;

namespace Search.EndToEnd.Tests.Browser;

/// <summary>
/// The axe-core accessibility check (npm axe-core, pinned in tests/axe/package-lock.json and installed by
/// <c>tools/install-deps.sh test</c>) run inside a page. The page's context must be opened with
/// <c>BypassCSP = true</c>: the gateway's policy rightly refuses the injected script otherwise.
/// </summary>
public static class Axe
{
    public static string ScriptPath => Path.Combine(RepoLayout.Root, "tests", "axe", "node_modules", "axe-core", "axe.min.js");

    /// <summary>Every axe rule's violations on the page as it is now, one line per rule with the elements it names.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page)
    {
        Prerequisite.Require(File.Exists(ScriptPath), $"axe-core is not installed at {ScriptPath} (cd tests/axe && npm ci; make test installs it)");

        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = ScriptPath });
        }

        var violations = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations" +
            ".map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary) }))");
        return violations.EnumerateArray()
            .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()}\n    " +
                string.Join("\n    ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString())))
            .ToList();
    }

    /// <summary>Fails the test with the list of violations when axe finds any.</summary>
    public static async Task AssertNoViolationsAsync(IPage page, string where)
    {
        var violations = await ViolationsAsync(page);
        Assert.True(violations.Count == 0, $"axe-core found {violations.Count} violation(s) on {where}:\n" + string.Join("\n", violations));
    }
}
