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

    /// <summary>503 with Retry-After: refused by admission control before any stage saw the search.</summary>
    public static IResult Overloaded(HttpContext http, OverloadedException e)
    {
        http.Response.Headers.RetryAfter = e.RetryAfterSeconds;
        return Results.Problem(detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Overloaded");
    }
}
