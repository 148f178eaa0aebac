using System.Globalization;
using Search.Gateway.Caching;
using Search.Gateway.Pipeline;

namespace Microsoft.AspNetCore.Builder;

/// <summary>REST over the same pipeline and the same response shape as gRPC (proto3 JSON, snake_case names).</summary>
public static class SearchApi
{
    public static WebApplication MapSearchApi(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapGet("/api/search", SearchAsync);
        return app;
    }

    private static async Task<IResult> SearchAsync(HttpContext http, CachedSearch search)
    {
        var q = http.Request.Query;
        // Parameters are read by hand so a malformed one gets our message, not a framework binding error.
        var k = 0;
        if (q.TryGetValue("k", out var kText) && !string.IsNullOrEmpty(kText)
            && !int.TryParse(kText, NumberStyles.Integer, CultureInfo.InvariantCulture, out k))
        {
            return ApiResults.BadRequest("k must be a whole number");
        }

        var includeAbstained = q.TryGetValue("include_abstained", out var flag) && flag.ToString() is "1" or "true";
        try
        {
            var query = new SearchQuery(q["q"].ToString(), q["lang"].ToString(), k, includeAbstained);
            var response = await search.SearchAsync(query, callerDeadline: null, http.RequestAborted);
            return ApiResults.Json(response);
        }
        catch (BadSearchRequestException e)
        {
            return ApiResults.BadRequest(e.Message);
        }
        catch (StageUnavailableException e)
        {
            return ApiResults.Unavailable(e.Message);
        }
    }
}
