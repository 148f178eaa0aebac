using Search.Gateway.Api;

namespace Search.Gateway.Tests;

/// <summary>The security headers on the gateway's responses: the page, its files, the API's answers and refusals.</summary>
public sealed class SecurityHeadersTests(DefaultIsolatedGateway factory) : IClassFixture<DefaultIsolatedGateway>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/app.css")]
    [InlineData("/api/search?q=")]
    [InlineData("/api/search?q=who+invented+the+telephone")]
    [InlineData("/health/live")]
    [InlineData("/no-such-file")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string url)
    {
        using var response = await _http.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    [Fact]
    public void ThePolicyAllowsNoInlineScriptNoOtherOriginAndNoFraming()
    {
        var directives = SecurityHeaders.ContentSecurityPolicy.Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);

        Assert.Equal(["'self'"], directives["script-src"]);
        Assert.Equal(["'self'"], directives["style-src"]);
        Assert.Equal(["'self'"], directives["connect-src"]);
        Assert.Equal(["'none'"], directives["default-src"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.Equal(["'none'"], directives["base-uri"]);
        Assert.DoesNotContain(directives.Values.SelectMany(v => v), v => v.Contains("unsafe", StringComparison.Ordinal) || v == "*");
    }

    [Fact]
    public async Task ThePageHasNoInlineScriptStyleOrHandler()
    {
        var html = await _http.GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)", html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        Assert.DoesNotMatch(@"\sstyle\s*=", html);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
}
