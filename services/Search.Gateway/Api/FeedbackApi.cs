using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Search.Gateway.Feedback;
using Search.Gateway.Review;

namespace Search.Gateway.Api;

/// <summary>
/// REST feedback: <c>POST /api/feedback</c> takes one JSON object
/// (<c>{"kind":"helpful|not_helpful|wrong_answer","query":…,"answer":…,"passage_id":…,"model_version":…,"correction":…}</c>)
/// and answers <c>{"id":…}</c> once it is stored. <c>GET /api/feedback?limit=N</c> lists the newest entries and needs the
/// ingest key (reviewers see reported feedback in the review console's queue). Feedback has its own per-address rate limit
/// (<see cref="FeedbackOptions.PermitsPerMinute"/>) on top of the gateway-wide one.
/// </summary>
public static class FeedbackApi
{
    /// <summary>The rate-limiting policy of feedback writes, REST and gRPC alike.</summary>
    public const string RateLimitPolicy = "feedback";

    /// <summary>Far above any valid feedback (the fields' limits add up to about 6,000 characters).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const int DefaultListLimit = 100;
    public const int MaxListLimit = 1_000;

    public static IHostApplicationBuilder AddFeedback(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<FeedbackOptions>(FeedbackOptions.Section);
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(RateLimitPolicy, http =>
        {
            var options = http.RequestServices.GetRequiredService<IOptions<FeedbackOptions>>().Value;
            if (options.PermitsPerMinute == 0)
            {
                return RateLimitPartition.GetNoLimiter("unlimited");
            }

            // The address only names the bucket in memory; it is never stored with the feedback.
            var client = (http.Connection.RemoteIpAddress ?? IPAddress.None).ToString();
            return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.Burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(60_000.0 / options.PermitsPerMinute),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }));
        return builder;
    }

    public static WebApplication MapFeedbackApi(this WebApplication app)
    {
        app.MapPost("/api/feedback", RecordAsync).RequireRateLimiting(RateLimitPolicy);
        app.MapGet("/api/feedback", ListAsync);
        // Opened now, so a database that cannot be opened stops start-up with a message naming the setting.
        app.Services.GetRequiredService<IFeedbackStore>();
        return app;
    }

    private static async Task<IResult> RecordAsync(HttpContext http, IFeedbackStore store)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return ApiResults.BadRequest($"the body is {http.Request.ContentLength} bytes; feedback takes at most {MaxBodyBytes}");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBodyBytes;
        }

        FeedbackBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(http.Request.Body, FeedbackJsonContext.Default.FeedbackBody, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return ApiResults.BadRequest($"the body is not a feedback object: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiResults.BadRequest($"the body is larger than {MaxBodyBytes} bytes, which feedback never needs");
        }

        if (body is null)
        {
            return ApiResults.BadRequest("the body is empty: send one JSON object with kind, query and answer");
        }

        if (FeedbackRules.Validate(body.ToInput(), out var error) is not { } submission)
        {
            return ApiResults.BadRequest(error);
        }

        string id;
        try
        {
            id = await store.RecordAsync(submission, http.RequestAborted);
        }
        catch (DbException e)
        {
            return ApiResults.Unavailable($"the feedback store is unavailable, the feedback was not acknowledged and may not be stored: {e.Message}");
        }

        return Results.Json(new FeedbackAck(id), FeedbackJsonContext.Default.FeedbackAck, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>What people said about answers is for reviewers: the listing takes the reviewer key, not the ingest key.</summary>
    private static async Task<IResult> ListAsync(HttpContext http, ReviewAuthorization authorization, IFeedbackStore store)
    {
        if (authorization.Refuse(http) is { } refused)
        {
            return refused;
        }

        var limit = DefaultListLimit;
        var text = http.Request.Query["limit"].ToString();
        if (text.Length > 0 && (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxListLimit))
        {
            return ApiResults.BadRequest($"limit must be a whole number from 1 to {MaxListLimit}");
        }

        IReadOnlyList<FeedbackEntry> entries;
        try
        {
            entries = await store.ListAsync(limit, http.RequestAborted);
        }
        catch (DbException e)
        {
            return ApiResults.Unavailable($"the feedback store is unavailable: {e.Message}");
        }

        return Results.Json(new FeedbackList([.. entries.Select(FeedbackItem.From)]), FeedbackJsonContext.Default.FeedbackList);
    }
}

/// <summary>The REST body of a feedback; absent fields are null and get the rules' messages.</summary>
internal sealed record FeedbackBody(
    string? Kind, string? Query, string? Answer, string? PassageId, string? ModelVersion, string? Correction)
{
    public FeedbackInput ToInput() => new(Kind, Query, Answer, PassageId, ModelVersion, Correction);
}

internal sealed record FeedbackAck(string Id);

internal sealed record FeedbackItem(
    string Id, DateTimeOffset CreatedAt, string Kind, string Query, string Answer, string PassageId, string ModelVersion, string? Correction)
{
    public static FeedbackItem From(FeedbackEntry e) => new(
        e.Id, e.CreatedAt, e.Submission.Kind.Name(), e.Submission.Query, e.Submission.Answer, e.Submission.PassageId,
        e.Submission.ModelVersion, e.Submission.Correction);
}

internal sealed record FeedbackList(IReadOnlyList<FeedbackItem> Feedback);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FeedbackBody))]
[JsonSerializable(typeof(FeedbackAck))]
[JsonSerializable(typeof(FeedbackList))]
internal sealed partial class FeedbackJsonContext : JsonSerializerContext;
