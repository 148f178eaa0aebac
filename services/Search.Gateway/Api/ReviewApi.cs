using System.Data.Common;
using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;
using Search.Gateway.Grpc;
using Search.Gateway.Pipeline;
using Search.Gateway.Review;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Api;

/// <summary>
/// The review console over REST, behind the reviewer key (X-Api-Key): the same messages as the gRPC Review service, as
/// proto3 JSON with snake_case names. <c>GET /api/review/queues?limit=N</c>, <c>GET /api/review/item?q=…</c>,
/// <c>POST /api/review/confirm|correct|block|undo</c> with the request message as the body, <c>GET /api/review/export</c>
/// (the SQuAD file itself). The console page is /review.
/// </summary>
public static class ReviewApi
{
    /// <summary>Far above any valid action (a written answer is at most 2,000 characters).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    public static IHostApplicationBuilder AddReview(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ReviewOptions>(ReviewOptions.Section);
        builder.Services.AddSingleton<ReviewRules>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReviewRules>());
        builder.Services.AddSingleton<ReviewAuthorization>();
        builder.Services.AddSingleton<ReviewDesk>();
        return builder;
    }

    public static WebApplication MapReviewApi(this WebApplication app)
    {
        app.MapGet("/review", () => Results.Redirect("/review.html"));
        var review = app.MapGroup("/api/review");
        review.MapGet("/queues", (HttpContext http, ReviewDesk desk) => RunAsync(http, async ct =>
        {
            var limit = 0;
            var text = http.Request.Query["limit"].ToString();
            if (text.Length > 0 && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit))
            {
                BadSearchRequestException.Throw($"limit must be a whole number from 1 to {ReviewDesk.MaxQueueLength}");
            }

            return (await desk.QueuesAsync(limit, ct)).ToWire();
        }));
        review.MapGet("/item", (HttpContext http, ReviewDesk desk) =>
            RunAsync(http, async ct => (await desk.ItemAsync(http.Request.Query["q"].ToString(), ct)).ToWire()));
        review.MapPost("/confirm", (HttpContext http, ReviewDesk desk) =>
            RunAsync(http, async ct => Acted(await desk.ConfirmAsync((await ReadAsync<Rpc.ConfirmRequest>(http, ct)).ToInput(), ct))));
        review.MapPost("/correct", (HttpContext http, ReviewDesk desk) =>
            RunAsync(http, async ct => Acted(await desk.CorrectAsync((await ReadAsync<Rpc.CorrectRequest>(http, ct)).ToInput(), ct))));
        review.MapPost("/block", (HttpContext http, ReviewDesk desk) =>
            RunAsync(http, async ct => Acted(await desk.BlockAsync((await ReadAsync<Rpc.BlockRequest>(http, ct)).ToInput(), ct))));
        review.MapPost("/undo", (HttpContext http, ReviewDesk desk) =>
            RunAsync(http, async ct => Acted(await desk.UndoAsync((await ReadAsync<Rpc.UndoRequest>(http, ct)).ActionId, ct))));
        review.MapGet("/export", async (HttpContext http, ReviewDesk desk, ReviewAuthorization authorization) =>
        {
            if (authorization.Refuse(http) is { } refused)
            {
                return refused;
            }

            try
            {
                return Results.Text((await desk.ExportAsync(http.RequestAborted)).Json, "application/json; charset=utf-8");
            }
            catch (DbException e)
            {
                return ApiResults.Unavailable(ReviewDesk.StoreUnavailable(e));
            }
        });
        // Opened now, so a database that cannot be opened stops start-up with a message naming the setting.
        app.Services.GetRequiredService<IReviewStore>();
        app.MapGrpcService<ReviewGrpcService>();
        return app;
    }

    private static Rpc.ReviewActionResponse Acted(ReviewAction action) => new() { Action = action.ToWire() };

    private static async Task<IResult> RunAsync(HttpContext http, Func<CancellationToken, Task<IMessage>> call)
    {
        var authorization = http.RequestServices.GetRequiredService<ReviewAuthorization>();
        if (authorization.Refuse(http) is { } refused)
        {
            return refused;
        }

        try
        {
            return ApiResults.Json(await call(http.RequestAborted));
        }
        catch (Exception e) when (SearchRefusals.IsRefusal(e))
        {
            return ApiResults.Refused(http, e);
        }
        catch (DbException e)
        {
            return ApiResults.Unavailable(ReviewDesk.StoreUnavailable(e));
        }
    }

    /// <summary>The body as one request message; a body that is not one is a 400 with the parser's reason.</summary>
    private static async Task<T> ReadAsync<T>(HttpContext http, CancellationToken ct)
        where T : IMessage, new()
    {
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            BadSearchRequestException.Throw($"the body is {http.Request.ContentLength} bytes; a review action takes at most {MaxBodyBytes}");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBodyBytes;
        }

        string body;
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            body = await reader.ReadToEndAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            BadSearchRequestException.Throw($"the body is larger than {MaxBodyBytes} bytes, which a review action never needs");
            throw;
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            BadSearchRequestException.Throw("the body is empty: send one JSON object");
        }

        try
        {
            return Parser.Parse<T>(body);
        }
        catch (Exception e) when (e is InvalidJsonException or InvalidProtocolBufferException or FormatException)
        {
            BadSearchRequestException.Throw($"the body is not a {new T().Descriptor.Name}: {e.Message}");
            throw;
        }
    }
}
