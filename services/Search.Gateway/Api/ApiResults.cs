using Google.Protobuf;
using Search.Gateway.Pipeline;

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

    public static IResult BadRequest(string message) =>
        Results.Problem(detail: message, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    public static IResult Unavailable(string message) =>
        Results.Problem(detail: message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");

    /// <summary>
    /// A search the pipeline refused (<see cref="SearchRefusals.IsRefusal"/>): 400 for bad input, 503 when retrieval is
    /// down, 503 with Retry-After when admission control refused it before any stage saw it.
    /// </summary>
    public static IResult Refused(HttpContext http, Exception e)
    {
        switch (e)
        {
            case BadSearchRequestException:
                return BadRequest(e.Message);
            case OverloadedException overloaded:
                http.Response.Headers.RetryAfter = overloaded.RetryAfterSeconds;
                return Results.Problem(detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Overloaded");
            default:
                return Unavailable(e.Message);
        }
    }
}
