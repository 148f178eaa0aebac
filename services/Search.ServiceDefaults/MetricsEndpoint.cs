using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Where the Prometheus scrape is served: only on the port of the Kestrel endpoint named "Metrics"
/// (Kestrel:Endpoints:Metrics:Url), an internal port no Ingress or published port reaches. The decision is by the
/// port the connection arrived on, not the Host header, so a request to a public port cannot ask for it.
/// A service without a Metrics endpoint serves no /metrics at all.
/// </summary>
public static class MetricsEndpoint
{
    public const string EndpointName = "Metrics";

    public const string Path = "/metrics";

    /// <summary>The port of the Metrics endpoint in <paramref name="configuration"/>, or null when there is none.</summary>
    public static int? Port(IConfiguration configuration)
    {
        var url = configuration[$"Kestrel:Endpoints:{EndpointName}:Url"];
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        // Kestrel accepts wildcard hosts ("http://*:9100", "http://+:9100") that Uri does not parse.
        var normalised = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        return Uri.TryCreate(normalised, UriKind.Absolute, out var uri) && uri.Port > 0
            ? uri.Port
            : throw new InvalidOperationException($"Kestrel:Endpoints:{EndpointName}:Url '{url}' is not an http://host:port address");
    }

    public static WebApplication UseMetricsEndpoint(this WebApplication app)
    {
        if (Port(app.Configuration) is int port)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(http =>
                http.Connection.LocalPort == port && http.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase));
        }

        return app;
    }
}
