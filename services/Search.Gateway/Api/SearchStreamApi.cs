using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Search.Gateway.Grpc;
using Search.Gateway.Pipeline;
using Search.Gateway.QueryLog;
using Search.Gateway.Review;

namespace Search.Gateway.Api;

/// <summary>
/// GET /api/search/stream: the search with its answer streamed as server-sent events, each a JSON
/// object: <c>results</c> (the search response without the answer box), <c>token</c> ({"text": ...,
/// "provisional": true}, in order: not checked yet), <c>answer</c> (the checked answer; <c>withdrawn</c> when
/// the tokens failed their checks and must be taken back) and <c>done</c>. Bad input is 400 and a missing retrieval
/// 503, as JSON, before the stream starts.
/// </summary>
public static class SearchStreamApi
{
    public static WebApplication MapSearchStreamApi(this WebApplication app)
    {
        app.MapGet("/api/search/stream", StreamAsync);
        return app;
    }

    private static async Task<IResult> StreamAsync(HttpContext http, SearchPipeline pipeline, ReviewRules reviews, QueryLogWriter queryLog)
    {
        if (SearchApi.ReadQuery(http.Request.Query, out var error) is not { } query)
        {
            return ApiResults.BadRequest(error, ApiResults.QueryLanguage(http));
        }

        try
        {
            using var cost = CallCost.Begin();
            await pipeline.SearchStreamAsync(
                reviews.Apply(query), callerDeadline: null, queryLog.Recording((e, ct) => SendAsync(http, e.Stamped(cost), ct)), http.RequestAborted);
            await WriteEventAsync(http, "done", "{}", http.RequestAborted);
            return Results.Empty;
        }
        catch (Exception e) when (SearchRefusals.IsRefusal(e))
        {
            return ApiResults.Refused(http, e, ApiResults.QueryLanguage(http));
        }
    }

    private static async Task SendAsync(HttpContext http, SearchEvent e, CancellationToken ct)
    {
        switch (e)
        {
            case ResultsEvent results:
                // The first event: only now is the request known to be good, so only now does the stream start.
                http.Response.ContentType = "text/event-stream; charset=utf-8";
                http.Response.Headers.CacheControl = "no-cache";
                http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                await WriteEventAsync(http, "results", ApiResults.Format(results.Results.ToWire()), ct);
                break;
            case TokenEvent token:
                await WriteEventAsync(http, "token", TokenJson(token.Text), ct);
                break;
            case AnswerEvent answer:
                await WriteEventAsync(http, "answer", ApiResults.Format(answer.Answer.ToWire()), ct);
                break;
        }
    }

    private static string TokenJson(string text)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("text", text);
            json.WriteBoolean("provisional", true);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One event; the JSON is on one line (the formatters never break lines), so one data field holds it.</summary>
    private static async Task WriteEventAsync(HttpContext http, string name, string json, CancellationToken ct)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {json}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
