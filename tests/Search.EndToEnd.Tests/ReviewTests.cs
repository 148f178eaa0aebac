using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Playwright;
using Search.Contracts.V1;
using Search.Evaluation.Datasets;
using Search.EndToEnd.Tests.Browser;
using Search.TestKit;

namespace Search.EndToEnd.Tests;

/// <summary>A cluster with its answer cache on a real redis-server and a few short documents for reviewers to act on.</summary>
public sealed class ReviewClusterFixture : ClusterFixture
{
    protected override bool AnswerCache => true;

    protected override IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraArguments
    {
        get
        {
            var arguments = base.ExtraArguments.ToDictionary(kv => kv.Key, kv => kv.Value);
            // Boxes for one-sentence made-up facts (see CacheClusterFixture); what is reviewed here is the gateway's part.
            arguments["Answer"] = ["--Answer:TargetPrecision=0.5"];
            return arguments;
        }
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Client.UpsertAsync(
        [
            Doc("harwick-bridge", "The Harwick bridge", "The Harwick bridge was designed by Ada Moreau in 1873. It crosses the river Lune."),
            Doc("harwick-town", "Harwick", "Harwick is a market town on the river Lune with a bridge and a mill."),
            Doc("quill", "Quillophone", "The quillophone was invented by Marta Ellingsen in 1911. It is played with feathers."),
            Doc("lantern", "Lantern festival", "The Oskarby lantern festival was founded by Ivo Brandt in 1954."),
            Doc("ferry", "Ferry timetable", "The Norrvik ferry leaves at 7:15 every weekday. It was launched by Elin Vass."),
        ]);
    }

    public GrpcChannel Channel() => GrpcChannel.ForAddress(Cluster.GatewayGrpcAddress);

    public async Task<JsonElement> SearchAsync(string query, CancellationToken ct)
    {
        using var response = await Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(query), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"'{query}' answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    public async Task<JsonElement> ActAsync(string action, string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/review/{action}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", Cluster.ReviewApiKey);
        using var response = await Http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("action").Clone();
    }

    private static Document Doc(string id, string title, string text) => new() { Id = id, Title = title, Text = text, Url = $"https://example.org/{id}", Lang = "en" };
}

/// <summary>
/// The review console against a real cluster: a curated answer and a block replace a response already in the Redis
/// cache, undo brings the model's answer back, actions survive kill -9 of the gateway, the export is read by the
/// evaluation's reader and by `eval squad`, and a reviewer corrects an answer through the page in headless Chromium.
/// </summary>
public sealed class ReviewTests(ReviewClusterFixture fixture) : IClassFixture<ReviewClusterFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACorrectionReplacesTheCachedResponseAtOnceAndUndoBringsTheModelsAnswerBack()
    {
        Prerequisite.Require(fixture.Cluster.Redis is not null, "redis-server is not installed (make test installs it with apt as root)");
        const string question = "Who invented the quillophone?";
        await fixture.SearchAsync(question, Cancel);
        var cached = await fixture.SearchAsync(question, Cancel);
        Assert.True(cached.GetProperty("cached").GetBoolean(), "the second search was not served from the cache");

        var corrected = await fixture.ActAsync("correct", """
            {"query":"who invented the quillophone?","written":{"text":"Marta Ellingsen, a Norwegian luthier","source_url":"https://records.example/quill","source_title":"Instrument records"}}
            """, Cancel);
        var curated = await fixture.SearchAsync(question, Cancel);
        var curatedAgain = await fixture.SearchAsync(question, Cancel);
        await fixture.ActAsync("undo", $$"""{"action_id":"{{corrected.GetProperty("id").GetString()}}"}""", Cancel);
        var restored = await fixture.SearchAsync(question, Cancel);

        Assert.False(curated.GetProperty("cached").GetBoolean(), "a cached response was served after the correction");
        Assert.Equal("Marta Ellingsen, a Norwegian luthier", curated.GetProperty("answer").GetProperty("text").GetString());
        Assert.True(curated.GetProperty("answer").GetProperty("reviewed").GetBoolean());
        Assert.Equal("reviewed", curated.GetProperty("answer").GetProperty("model_version").GetString());
        Assert.Equal("https://records.example/quill", curated.GetProperty("answer").GetProperty("passage").GetProperty("url").GetString());
        Assert.True(curatedAgain.GetProperty("cached").GetBoolean(), "the curated response is cached like any other");
        Assert.False(restored.GetProperty("cached").GetBoolean(), "a cached curated response was served after the undo");
        Assert.False(restored.TryGetProperty("answer", out var box) && box.ValueKind == JsonValueKind.Object && box.GetProperty("reviewed").GetBoolean());
    }

    [Fact]
    public async Task ABlockTakesTheCachedAnswerAwayAndTheModelVersionNamesTheAnswerModel()
    {
        Prerequisite.Require(fixture.Cluster.Redis is not null, "redis-server is not installed (make test installs it with apt as root)");
        const string question = "Who founded the Oskarby lantern festival?";
        var first = await fixture.SearchAsync(question, Cancel);
        var box = first.GetProperty("answer");
        Assert.StartsWith("answer-model-", box.GetProperty("model_version").GetString(), StringComparison.Ordinal);
        Assert.False(box.GetProperty("reviewed").GetBoolean());
        Assert.True((await fixture.SearchAsync(question, Cancel)).GetProperty("cached").GetBoolean());

        await fixture.ActAsync("block", $$"""{"query":"{{question}}","passage_id":"{{box.GetProperty("passage").GetProperty("passage_id").GetString()}}","scope":"document"}""", Cancel);
        var blocked = await fixture.SearchAsync(question, Cancel);

        Assert.False(blocked.GetProperty("cached").GetBoolean(), "a cached response was served after the block");
        Assert.False(
            blocked.TryGetProperty("answer", out var after) && after.ValueKind == JsonValueKind.Object
                && after.GetProperty("passage").GetProperty("document_id").GetString() == "lantern",
            "the blocked document still answers");
        Assert.Contains(blocked.GetProperty("results").EnumerateArray(), r => r.GetProperty("document_id").GetString() == "lantern");
    }

    [Fact]
    public async Task ReviewActionsAcknowledgedBeforeTheGatewayIsKilledAreInEffectAfterItRestarts()
    {
        const string question = "When does the Norrvik ferry leave?";
        using (var channel = fixture.Channel())
        {
            var review = new Review.ReviewClient(channel);
            var headers = new Metadata { { "x-api-key", fixture.Cluster.ReviewApiKey } };
            var item = await review.GetItemAsync(new GetItemRequest { Query = question }, headers, cancellationToken: Cancel);
            var ferry = item.Candidates.First(c => c.DocumentId == "ferry");
            var start = ferry.Text.IndexOf("7:15", StringComparison.Ordinal);
            await review.CorrectAsync(new CorrectRequest
            {
                Query = question, Span = new PassageSpan { PassageId = ferry.PassageId, Start = start, End = start + 4 },
            }, headers, cancellationToken: Cancel);
            await review.BlockAsync(new BlockRequest { Query = "Where is Harwick?", PassageId = "harwick-town#0", Scope = "document" }, headers, cancellationToken: Cancel);
            var wrongKey = await Assert.ThrowsAsync<RpcException>(() => review.BlockAsync(new BlockRequest(), new Metadata { { "x-api-key", fixture.Cluster.IngestApiKey } }, cancellationToken: Cancel).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, wrongKey.StatusCode);
        }

        var gateway = fixture.Cluster["Gateway"];
        var killed = gateway.ProcessId;
        gateway.Kill();
        Assert.False(gateway.IsRunning);
        await fixture.Cluster.RestartAsync("Gateway", Cancel);
        Assert.NotEqual(killed, gateway.ProcessId);

        var search = await fixture.SearchAsync(question, Cancel);
        using var after = fixture.Channel();
        var review2 = new Review.ReviewClient(after);
        var key = new Metadata { { "x-api-key", fixture.Cluster.ReviewApiKey } };
        var actions = (await review2.GetItemAsync(new GetItemRequest { Query = question }, key, cancellationToken: Cancel)).Actions
            .Concat((await review2.GetItemAsync(new GetItemRequest { Query = "where is harwick?" }, key, cancellationToken: Cancel)).Actions)
            .ToList();

        Assert.Equal("7:15", search.GetProperty("answer").GetProperty("text").GetString());
        Assert.True(search.GetProperty("answer").GetProperty("reviewed").GetBoolean());
        Assert.Equal([("correct", "when does the norrvik ferry leave?"), ("block", "where is harwick?")], actions.Select(a => (a.Kind, a.Query)));
        Assert.Equal("document", actions[1].Scope);
        Assert.All(actions, a => Assert.Equal("", a.UndoneBy));
    }

    [Fact]
    public async Task TheExportedReviewsAreReadByTheEvaluationReaderAndEvalSquad()
    {
        const string question = "Who designed the Harwick bridge?";
        var item = await GetItemAsync(question);
        var bridge = item.GetProperty("candidates").EnumerateArray().First(c => c.GetProperty("document_id").GetString() == "harwick-bridge");
        var text = bridge.GetProperty("text").GetString()!;
        var start = text.IndexOf("Ada Moreau", StringComparison.Ordinal);
        await fixture.ActAsync("confirm", $$"""{"query":"{{question}}","passage_id":"{{bridge.GetProperty("passage_id").GetString()}}","answer_start":{{start}},"answer_end":{{start + 10}}}""", Cancel);
        await fixture.ActAsync("block", """{"query":"Who built the Harwick mill?","passage_id":"harwick-town#0","scope":"passage"}""", Cancel);
        var file = Path.Combine(Path.GetTempPath(), $"review-export-{Guid.NewGuid():N}.json");

        try
        {
            var noKey = await CliProcess.RunAsync(fixture.Cluster.GatewayGrpcAddress, "review", "export", "--out", file, "--review-key", "wrong");
            var export = await CliProcess.RunAsync(fixture.Cluster.GatewayGrpcAddress, "review", "export", "--out", file, "--review-key", fixture.Cluster.ReviewApiKey);
            var dataset = SquadReader.ReadFile(file);
            var eval = await CliProcess.RunAsync(fixture.Cluster.GatewayGrpcAddress, "eval", "squad", "--file", file);

            Assert.Equal(1, noKey.ExitCode);
            Assert.Contains("Unauthenticated", noKey.Error, StringComparison.Ordinal);
            Assert.True(export.ExitCode == 0, export.Error);
            Assert.Contains("reviewed answers", export.Output, StringComparison.Ordinal);
            var confirmed = dataset.Questions.Single(q => q.Question == "who designed the harwick bridge?");
            Assert.Equal(["Ada Moreau"], confirmed.Answers);
            Assert.False(confirmed.Impossible);
            Assert.Equal(text, dataset.Documents.Single(d => d.Id == confirmed.DocumentId).Text);
            var blocked = dataset.Questions.Single(q => q.Question == "who built the harwick mill?");
            Assert.True(blocked.Impossible);
            Assert.Empty(blocked.Answers);
            Assert.True(eval.ExitCode == 0, $"eval squad: {eval.Error}\n{eval.Output}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AReviewerCorrectsAReportedAnswerInTheConsoleAndSearchServesIt()
    {
        Prerequisite.Require(File.Exists(Chromium), "chromium is not installed at /usr/bin/chromium");
        const string question = "Which river does the Harwick bridge cross?";
        using (var reported = await fixture.Http.PostAsJsonAsync("/api/feedback", new Dictionary<string, string>
        {
            ["kind"] = "wrong_answer", ["query"] = question, ["answer"] = "Harwick", ["correction"] = "the Lune",
        }, Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        // The policy would refuse axe-core's injected script; the console's own code runs under it in the search page below.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(fixture.Cluster.GatewayHttpAddress + "/review");
        await Axe.AssertNoViolationsAsync(page, "the review console before the key");

        await page.GetByLabel("Reviewer key").FillAsync(fixture.Cluster.ReviewApiKey);
        await page.GetByLabel("Reviewer key").PressAsync("Enter");
        var entry = page.Locator("#queue-reported button", new PageLocatorOptions { HasTextString = "which river does the harwick bridge cross?" });
        await entry.WaitForAsync();
        await entry.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#item-candidates li").First.WaitForAsync();
        await Axe.AssertNoViolationsAsync(page, "the review console with an item open");
        await page.GetByLabel("Passage", new PageGetByLabelOptions { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "harwick-bridge#0 — The Harwick bridge" });
        await page.GetByLabel("Answer, exactly as it appears in the passage").FillAsync("the river Lune");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Save curated answer" }).ClickAsync();
        await page.Locator("#status", new PageLocatorOptions { HasTextString = "Curated answer saved." }).WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "search-review-console.png"), FullPage = true });

        var search = await fixture.SearchAsync(question, Cancel);
        var box = search.GetProperty("answer");
        Assert.Equal("the river Lune", box.GetProperty("text").GetString());
        Assert.True(box.GetProperty("reviewed").GetBoolean());
        Assert.Equal("The Harwick bridge", box.GetProperty("passage").GetProperty("title").GetString());
        Assert.Equal("https://example.org/harwick-bridge", box.GetProperty("passage").GetProperty("url").GetString());

        // The search page, under its own Content-Security-Policy, shows it labelled as reviewed with its source.
        var searchPage = await browser.NewPageAsync();
        searchPage.PageError += (_, e) => errors.Add(e);
        await searchPage.GotoAsync(fixture.Cluster.GatewayHttpAddress + "/");
        await searchPage.FillAsync("#q", question);
        await searchPage.ClickAsync("#search-form button[type=submit]");
        await searchPage.WaitForSelectorAsync("#answer[data-kind=reviewed]");
        Assert.Contains("the river Lune", await searchPage.TextContentAsync("#answer") ?? "", StringComparison.Ordinal);
        Assert.Contains("Reviewed", await searchPage.TextContentAsync("#answer") ?? "", StringComparison.Ordinal);
        Assert.Equal("https://example.org/harwick-bridge", await searchPage.GetAttributeAsync("#answer a[href^='https://example.org']", "href"));
        Assert.Empty(errors);
    }

    private async Task<JsonElement> GetItemAsync(string question)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/review/item?q=" + Uri.EscapeDataString(question));
        request.Headers.Add("X-Api-Key", fixture.Cluster.ReviewApiKey);
        using var response = await fixture.Http.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }
}
