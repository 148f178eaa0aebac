using Google.Protobuf;

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
}
