using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Search.Gateway.Api;

public static class RequestLineLimit
{
    /// <summary>
    /// Longest request line (method, path, query string): 16 KB. Kestrel's 8 KB default refused a query of 1,000
    /// characters with 414 before the gateway saw it when they were not ASCII: a Chinese character is 9 bytes
    /// percent-encoded, an astral one 12, so the 1,000 characters the API accepts take up to 12,000 bytes.
    /// </summary>
    public const int MaxBytes = 16 * 1024;

    public static IHostApplicationBuilder AddRequestLineLimit(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestLineSize = MaxBytes);
        return builder;
    }
}
