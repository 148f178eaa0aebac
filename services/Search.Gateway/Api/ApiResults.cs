using Google.Protobuf;
using Search.Gateway.Pipeline;
using Search.Text;

namespace Search.Gateway.Api;

/// <summary>The REST side's response shapes: proto3 JSON with snake_case names, and ProblemDetails for errors.</summary>
internal static class ApiResults
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default
        .WithPreserveProtoFieldNames(true)
        .WithFormatDefaultValues(true));

    public static IResult Json(IMessage message) => Results.Text(Format(message), "application/json; charset=utf-8");

    /// <summary>One message as proto3 JSON on one line.</summary>
    public static string Format(IMessage message) => Formatter.Format(message);

    public static IResult BadRequest(string message, string language = "") => Problem(message, StatusCodes.Status400BadRequest, "Bad request", language);

    public static IResult Unavailable(string message, string language = "") =>
        Problem(message, StatusCodes.Status503ServiceUnavailable, "Service unavailable", language);

    /// <summary>
    /// A search the pipeline refused (<see cref="SearchRefusals.IsRefusal"/>): 400 for bad input, 503 when retrieval is
    /// down, 503 with Retry-After when admission control refused it before any stage saw it.
    /// </summary>
    /// <param name="language">The query's (<see cref="QueryLanguage"/>) when the refusal is a search's.</param>
    public static IResult Refused(HttpContext http, Exception e, string language = "")
    {
        switch (e)
        {
            case BadSearchRequestException:
                return BadRequest(e.Message, language);
            case OverloadedException overloaded:
                http.Response.Headers.RetryAfter = overloaded.RetryAfterSeconds;
                return Problem(e.Message, StatusCodes.Status503ServiceUnavailable, "Overloaded", language);
            default:
                return Unavailable(e.Message, language);
        }
    }

    /// <summary>
    /// The language of the query a search request asks (its <c>lang</c> when it names one, else the shared detector's
    /// reading of <c>q</c>, which may never have reached the router) as a tag like <c>lang</c> takes, "" when it cannot
    /// tell; a refused search names it (<c>language</c>) so the page can say why in the query's language.
    /// </summary>
    public static string QueryLanguage(HttpContext http)
    {
        var query = http.Request.Query;
        return TextLanguageTags.TryParse(query["lang"], out var hint) && hint != TextLanguage.Unknown
            ? hint.ToTag()
            : LanguageDetector.Detect(query["q"].ToString()).ToTag();
    }

    private static IResult Problem(string detail, int status, string title, string language) => Results.Problem(
        detail: detail, statusCode: status, title: title,
        extensions: language.Length == 0 ? null : new Dictionary<string, object?> { ["language"] = language });
}
