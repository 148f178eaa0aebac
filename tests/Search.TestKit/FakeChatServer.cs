using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Search.TestKit;

/// <summary>
/// A small OpenAI-compatible chat completions server on a free loopback port (POST /v1/chat/completions),
/// scripted per test: it streams the given pieces as "chat.completion.chunk" server-sent events when the
/// request asks for <c>stream: true</c>, answers with one "chat.completion" otherwise, or fails, or stalls.
/// Every request body it receives is kept so a test can read the prompt.
/// </summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeChatServer(WebApplication app) => _app = app;

    /// <summary>The base address to configure as Answer:Llm:Endpoint ("http://127.0.0.1:port/v1").</summary>
    public string Endpoint { get; private set; } = "";

    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    /// <summary>Text pieces to send, in order.</summary>
    public IReadOnlyList<string> Pieces { get; set; } = [];

    /// <summary>An HTTP status to fail with instead of answering (e.g. 500); 0 answers.</summary>
    public int FailWith { get; set; }

    /// <summary>After this many pieces the server stops sending and waits until the client goes away; -1 never stalls.</summary>
    public int StallAfter { get; set; } = -1;

    public static async Task<FakeChatServer> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The output folder holds the answer service's appsettings.json (with its Kestrel endpoints): none of it applies here.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeChatServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync(ct);
        server.Endpoint = app.Urls.Single().TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>The user message of the last request: the numbered passages and the question.</summary>
    public string LastPrompt() =>
        Requests.Last()["messages"]!.AsArray().Last()!["content"]!.GetValue<string>();

    private async Task HandleAsync(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) ?? new JsonObject();
        Requests.Enqueue(body);
        if (FailWith != 0)
        {
            http.Response.StatusCode = FailWith;
            await http.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["message"] = "scripted failure" } }, http.RequestAborted);
            return;
        }

        var model = body["model"]?.GetValue<string>() ?? "";
        if (body["stream"]?.GetValue<bool>() != true)
        {
            await StallIfScripted(0, http.RequestAborted);
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(Completion(model, string.Concat(Pieces)).ToJsonString(), http.RequestAborted);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        await StallIfScripted(0, http.RequestAborted);
        for (var i = 0; i < Pieces.Count; i++)
        {
            await SendAsync(http, Chunk(model, i == 0 ? "assistant" : null, Pieces[i], null).ToJsonString());
            await StallIfScripted(i + 1, http.RequestAborted);
        }

        await SendAsync(http, Chunk(model, null, null, "stop").ToJsonString());
        await SendAsync(http, "[DONE]");
    }

    private async Task StallIfScripted(int sent, CancellationToken aborted)
    {
        if (StallAfter == sent)
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }
    }

    private static async Task SendAsync(HttpContext http, string data)
    {
        await http.Response.WriteAsync($"data: {data}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static JsonObject Chunk(string model, string? role, string? content, string? finish)
    {
        var delta = new JsonObject();
        if (role is not null)
        {
            delta["role"] = role;
        }

        if (content is not null)
        {
            delta["content"] = content;
        }

        return new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };
    }

    private static JsonObject Completion(string model, string content) => new()
    {
        ["id"] = "chatcmpl-test",
        ["object"] = "chat.completion",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
