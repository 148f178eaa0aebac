using System.Net;
using System.Text.Json;
using Grpc.Core;
using Search.Contracts.V1;

namespace Search.EndToEnd.Tests;

/// <summary>What a user of `make run` sees: answers from the demo corpus over REST and gRPC.</summary>
public sealed class DemoCorpusTests(DemoClusterFixture fixture) : IClassFixture<DemoClusterFixture>
{
    [Fact]
    public async Task DemoQuestionsFindTheirDocumentFirstInEveryLanguage()
    {
        var misses = new List<string>();
        foreach (var q in DemoQuestion.All)
        {
            var response = await fixture.Client.SearchAsync(q.Question, cancellationToken: TestContext.Current.CancellationToken);
            if (response.Results.Count == 0 || response.Results[0].DocumentId != q.DocumentId)
            {
                misses.Add($"{q.Question} → {response.Results.FirstOrDefault()?.DocumentId}");
            }
        }

        // Every demo question was written for one document; all but a few must rank it first.
        Assert.True(misses.Count <= DemoQuestion.All.Count / 10, string.Join("\n", misses));
    }

    [Fact]
    public async Task DemoQuestionsGetAnAnswerBoxThatContainsTheAnswer()
    {
        var shown = 0;
        var correct = 0;
        var wrong = new List<string>();
        foreach (var q in DemoQuestion.All)
        {
            var response = await fixture.Client.SearchAsync(q.Question, cancellationToken: TestContext.Current.CancellationToken);
            if (response.Answer is null)
            {
                continue;
            }

            shown++;
            var sentence = response.Answer.Passage.Text[response.Answer.Sentence.Start..response.Answer.Sentence.End];
            if (response.Answer.Text.Contains(q.Expected, StringComparison.OrdinalIgnoreCase)
                || q.Expected.Contains(response.Answer.Text, StringComparison.OrdinalIgnoreCase) && response.Answer.Text.Length > 1
                || sentence.Contains(q.Expected, StringComparison.OrdinalIgnoreCase))
            {
                correct++;
            }
            else
            {
                wrong.Add($"{q.Question} → {response.Answer.Text}");
            }
        }

        // Measured on the demo corpus: 36 of 48 questions get a box (0.75), 30 of those 36 are right (0.83).
        Assert.True(shown >= DemoQuestion.All.Count * 6 / 10, $"only {shown} of {DemoQuestion.All.Count} demo questions got a box");
        Assert.True(correct >= shown * 3 / 4, $"{correct} of {shown} boxes were right:\n{string.Join("\n", wrong)}");
    }

    /// <summary>
    /// Over REST, every demo question of a language finds its document first, at least one gets an
    /// answer box, and each box's offsets cut its text out of its passage. Measured on the demo corpus:
    /// boxes for 26 of 28 English, 9 of 12 Simplified and 1 of 8 Traditional questions (Traditional
    /// spans are mostly right but their confidence falls under the 0.7 threshold).
    /// </summary>
    [Theory]
    [InlineData("en", 0.6)]
    [InlineData("zh-hans", 0.5)]
    [InlineData("zh-hant", 0.1)]
    public async Task RestSearchReturnsResultsAndAnswerBoxesInEachLanguage(string language, double minBoxShare)
    {
        var questions = DemoQuestion.All.Where(q => q.DocumentId.StartsWith(language + "-", StringComparison.Ordinal)).ToList();
        var boxes = 0;
        foreach (var question in questions)
        {
            using var response = await fixture.Http.GetAsync(
                "/api/search?q=" + Uri.EscapeDataString(question.Question), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var root = json.RootElement;
            Assert.Equal(question.DocumentId, root.GetProperty("results")[0].GetProperty("document_id").GetString());
            Assert.Empty(root.GetProperty("degraded").EnumerateArray());
            Assert.Equal(["router", "retrieval", "rerank", "answer"], root.GetProperty("timings").EnumerateArray().Select(t => t.GetProperty("stage").GetString()));
            if (!root.TryGetProperty("answer", out var answer))
            {
                continue;
            }

            boxes++;
            var passage = answer.GetProperty("passage").GetProperty("text").GetString()!;
            var start = answer.GetProperty("answer_start").GetInt32();
            var end = answer.GetProperty("answer_end").GetInt32();
            Assert.Equal(answer.GetProperty("text").GetString(), passage[start..end]);
            Assert.NotEqual(passage.Length, end - start);
        }

        Assert.True(boxes >= Math.Max(1, minBoxShare * questions.Count), $"{boxes} of {questions.Count} {language} demo questions got a box");
    }

    [Fact]
    public async Task TraditionalQuestionFindsSimplifiedDocumentsToo()
    {
        // The index folds Traditional to Simplified, so script does not split the corpus.
        var simplified = DemoQuestion.All.First(q =>
            q.DocumentId.StartsWith("zh-hans-", StringComparison.Ordinal) && ToTraditionalForTest(q.Question) != q.Question);
        var traditional = ToTraditionalForTest(simplified.Question);
        var response = await fixture.Client.SearchAsync(traditional, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(response.Results.Take(3), r => r.DocumentId == simplified.DocumentId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u0000\u0001\u0002")]
    public async Task RestRejectsEmptyQueriesWith400AndAMessage(string query)
    {
        using var response = await fixture.Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(query), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("empty", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RestRejectsAQueryOverAThousandCharacters()
    {
        using var response = await fixture.Http.GetAsync("/api/search?q=" + new string('a', 1001), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1000", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("k=abc")]
    [InlineData("k=-1")]
    [InlineData("k=100000")]
    [InlineData("lang=klingon")]
    public async Task RestRejectsBadParametersWith400(string parameter)
    {
        using var response = await fixture.Http.GetAsync("/api/search?q=mount+everest&" + parameter, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("title:(a OR b) AND \"")]
    [InlineData("*")]
    [InlineData("~")]
    [InlineData("\\")]
    [InlineData("<script>alert(1)</script> everest")]
    [InlineData("everest\u0007\u001b[31m height")]
    [InlineData("\"unbalanced (parens [brackets {braces")]
    [InlineData("+-&&||!(){}[]^\"~*?:\\/")]
    public async Task HostileQueriesGetANormalAnswerOrA400NeverA500(string query)
    {
        using var response = await fixture.Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(query), TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{query} → {(int)response.StatusCode}");

        try
        {
            await fixture.Client.SearchAsync(query, cancellationToken: TestContext.Current.CancellationToken);
        }
        catch (RpcException e)
        {
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(e.Status.Detail));
        }
    }

    [Fact]
    public async Task GrpcRejectsAnEmptyQueryWithInvalidArgument()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Client.SearchAsync(" ", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public async Task IngestRejectsBadDocumentsOneByOneWhileTheRestLand()
    {
        var documents = new List<Document>
        {
            new() { Id = "e2e-good-1", Title = "Zorblat", Text = "The zorblat is a fictional instrument invented for this test in 2026." },
            new() { Id = "", Text = "A document without an id." },
            new() { Id = "e2e-no-text", Title = "Empty" },
            new() { Id = "e2e-good-2", Text = "Quexilite is a made-up mineral that glows green." },
        };
        var response = await fixture.Client.UpsertAsync(documents, TestContext.Current.CancellationToken);

        Assert.Equal(2, response.Accepted);
        Assert.Equal([1, 2], response.Rejected.Select(r => r.Index).Order());
        Assert.All(response.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        var found = await fixture.Client.SearchAsync("zorblat instrument", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("e2e-good-1", found.Results[0].DocumentId);
    }

    [Fact]
    public async Task StreamedDocumentsLandThroughTheGatewayAndCanBeDeleted()
    {
        var ct = TestContext.Current.CancellationToken;
        var response = await fixture.Client.UpsertStreamAsync(Documents(), ct);

        Assert.Equal(3, response.Accepted);
        Assert.Equal(3, Assert.Single(response.Rejected).Index);
        var found = await fixture.Client.SearchAsync("wibbleton lighthouse keeper", cancellationToken: ct);
        Assert.Equal("e2e-stream-1", found.Results[0].DocumentId);

        Assert.Equal(3, await fixture.Client.DeleteAsync(["e2e-stream-0", "e2e-stream-1", "e2e-stream-2", "never-ingested"], ct));
        var gone = await fixture.Client.SearchAsync("wibbleton lighthouse keeper", cancellationToken: ct);
        Assert.DoesNotContain(gone.Results, r => r.DocumentId.StartsWith("e2e-stream-", StringComparison.Ordinal));

        static async IAsyncEnumerable<Document> Documents()
        {
            yield return new Document { Id = "e2e-stream-0", Text = "Wibbleton is a small fishing town on a windy coast." };
            yield return new Document { Id = "e2e-stream-1", Title = "Wibbleton lighthouse", Text = "The Wibbleton lighthouse keeper lit the lamp every night for forty years." };
            yield return new Document { Id = "e2e-stream-2", Text = "A ferry leaves Wibbleton harbour twice a day." };
            await Task.Yield();
            yield return new Document { Id = "e2e-stream-bad" };
        }
    }

    [Fact]
    public async Task DocumentTextComesBackAsTextNotMarkup()
    {
        const string hostile = "<img src=x onerror=alert(1)> The blorptastic festival happens every spring.";
        // (A javascript: url is refused at ingest now: HostileInputTests.)
        var stored = await fixture.Client.UpsertAsync([new Document { Id = "e2e-html", Title = "<b>Blorptastic</b>", Text = hostile, Url = "https://example.org/blorptastic" }],
            TestContext.Current.CancellationToken);
        Assert.Empty(stored.Rejected);
        using var response = await fixture.Http.GetAsync("/api/search?q=blorptastic+festival", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        // JSON carries the text verbatim (escaped as JSON); the page inserts it with textContent.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        var first = json.RootElement.GetProperty("results")[0];
        Assert.Equal(hostile, first.GetProperty("text").GetString());
    }

    private static string ToTraditionalForTest(string simplified) =>
        simplified.Replace("国", "國", StringComparison.Ordinal).Replace("么", "麼", StringComparison.Ordinal)
            .Replace("长", "長", StringComparison.Ordinal).Replace("这", "這", StringComparison.Ordinal)
            .Replace("个", "個", StringComparison.Ordinal).Replace("发", "發", StringComparison.Ordinal)
            .Replace("时", "時", StringComparison.Ordinal).Replace("学", "學", StringComparison.Ordinal);
}
