using System.Text;
using System.Text.Json;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// The review tests' scene: <see cref="FakeStages"/> whose retrieval returns two passages of two documents about the
/// Harwick bridge and whose scripted answer stage shows the first passage it is sent (confidence 0.55), and the REST
/// calls a reviewer makes with the reviewer key.
/// </summary>
internal static class HarwickReview
{
    public const string ReviewKey = "test-review-key";
    public const string Question = "Who designed the Harwick bridge?";
    public const string TownText = "The Harwick bridge stands in the town of Harwick.";
    public const string DesignText = "The Harwick bridge was designed by Ada Moreau in 1873.";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<FakeStages> StartStagesAsync()
    {
        var stages = await FakeStages.StartAsync(Cancel);
        stages.Passages =
        [
            Scored("town#0", "town", "Harwick", "https://harwick.example/", TownText, 3),
            Scored("design#0", "design", "The Harwick bridge", "https://bridges.example/harwick", DesignText, 2),
        ];
        stages.Answerer = r => r.Passages.Count == 0 ? new Rpc.AnswerResponse() : new Rpc.AnswerResponse
        {
            Shown = true,
            Candidate = new Rpc.AnswerBox
            {
                Text = r.Passages[0].Passage.Text, Passage = r.Passages[0].Passage, AnswerStart = 0, AnswerEnd = r.Passages[0].Passage.Text.Length,
                Confidence = 0.55, Kind = Rpc.AnswerKind.Sentence, ModelVersion = "answer-model-test",
            },
        };
        return stages;
    }

    public static Rpc.ScoredPassage Scored(string id, string document, string title, string url, string text, double score) => new()
    {
        Passage = new Rpc.Passage { PassageId = id, DocumentId = document, Title = title, Url = url, Text = text, Language = Rpc.Language.En, EndOffset = text.Length },
        Score = score,
        RetrievalScore = score,
    };

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key = ReviewKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }

    public static HttpRequestMessage Post(string path, string body)
    {
        var request = Request(HttpMethod.Post, path);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>Takes a review action over REST and returns the stored action.</summary>
    public static async Task<JsonElement> ActAsync(HttpClient http, string action, string body)
    {
        using var response = await http.SendAsync(Post($"/api/review/{action}", body), Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("action").Clone();
    }

    public static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, path), Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }

    public static async Task<JsonElement> SearchAsync(HttpClient http, string query)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/search?q=" + Uri.EscapeDataString(query), Cancel));
        return json.RootElement.Clone();
    }

    /// <summary>Waits for another replica's refresh or the query log's writer (no time is asserted: the test's own timeout bounds it).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        while (!await condition())
        {
            await Task.Delay(20, Cancel);
        }
    }
}
