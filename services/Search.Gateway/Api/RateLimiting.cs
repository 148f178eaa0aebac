using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Search.Gateway.Api;

/// <summary>Configuration section "Gateway:RateLimit": requests per client address, as a token bucket.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimit";

    /// <summary>Sustained requests per second per client address; 0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Requests a client may send at once above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 100;
}

/// <summary>
/// Per-address rate limiting of REST and gRPC calls (health checks are never limited). Over the
/// limit, REST answers 429 with Retry-After and a message; gRPC answers RESOURCE_EXHAUSTED with
/// retry-after in the metadata, so clients can tell "slow down" from "down".
/// </summary>
public static class RateLimiting
{
    public static IHostApplicationBuilder AddGatewayRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                if (options.PermitsPerSecond == 0 || http.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var client = (http.Connection.RemoteIpAddress ?? IPAddress.None).ToString();
                // Refilled ten times a second so a client is not made to wait for a whole second's tokens at once.
                return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = Math.Max(1, options.PermitsPerSecond / 10),
                    ReplenishmentPeriod = options.PermitsPerSecond >= 10
                        ? TimeSpan.FromMilliseconds(100)
                        : TimeSpan.FromMilliseconds(1000.0 / options.PermitsPerSecond),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = RejectAsync;
        });
        return builder;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
            : 1;
        var seconds = retryAfter.ToString(CultureInfo.InvariantCulture);
        var message = $"too many requests from {http.Connection.RemoteIpAddress}; retry after {seconds} s";
        http.Response.Headers.RetryAfter = seconds;
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            // A trailers-only gRPC response: HTTP 200 with the status in the headers.
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/grpc";
            http.Response.Headers["grpc-status"] = "8"; // RESOURCE_EXHAUSTED
            http.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            http.Response.Headers["retry-after"] = seconds;
            return;
        }

        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await Results.Problem(detail: message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(http);
    }
}
