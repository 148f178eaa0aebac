namespace Search.Gateway.Api;

/// <summary>
/// Headers every gateway response carries. The page and its scripts come from the gateway alone:
/// no inline script or style, no other origin, no framing, and no referrer sent when a person
/// follows a result's link to another site.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>Sets the headers before the rest of the pipeline runs, so refusals (429, 400) carry them too.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(http);
        });
        return app;
    }
}
