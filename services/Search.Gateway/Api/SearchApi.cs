using System.Globalization;
using Search.Gateway.Caching;
using Search.Gateway.Grpc;
using Search.Gateway.Pipeline;

namespace Search.Gateway.Api;

/// <summary>REST over the same pipeline and the same response shape as gRPC (proto3 JSON, snake_case names).</summary>
public static class SearchApi
{
    public static WebApplication MapSearchApi(this WebApplication app)
    {
        app.MapGet("/api/search", SearchAsync);
        return app;
    }

    /// <summary>
    /// The search a query string asks for (q, lang, k, include_abstained), or the message for a 400.
    /// Parameters are read by hand so a malformed one gets our message, not a framework binding error.
    /// </summary>
    internal static SearchQuery? ReadQuery(IQueryCollection q, out string error)
    {
        var k = 0;
        if (q.TryGetValue("k", out var kText) && !string.IsNullOrEmpty(kText)
            && !int.TryParse(kText, NumberStyles.Integer, CultureInfo.InvariantCulture, out k))
        {
            error = "k must be a whole number";
            return null;
        }

        error = "";
        var includeAbstained = q.TryGetValue("include_abstained", out var flag) && flag.ToString() is "1" or "true";
        return new SearchQuery(q["q"].ToString(), q["lang"].ToString(), k, includeAbstained);
    }

    private static async Task<IResult> SearchAsync(HttpContext http, CachedSearch search)
    {
        if (ReadQuery(http.Request.Query, out var error) is not { } query)
        {
            return ApiResults.BadRequest(error, ApiResults.QueryLanguage(http));
        }

        try
        {
            var response = await search.SearchAsync(query, callerDeadline: null, http.RequestAborted);
            return ApiResults.Json(response.ToWire());
        }
        catch (Exception e) when (SearchRefusals.IsRefusal(e))
        {
            return ApiResults.Refused(http, e, ApiResults.QueryLanguage(http));
        }
    }
}
