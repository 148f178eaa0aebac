using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Search service shares: logging, health (HTTP and grpc.health.v1),
/// OpenTelemetry, gRPC server settings and strict options.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>Every Search service names its own ActivitySource and Meter with this prefix.</summary>
    public const string TelemetryPrefix = "Search.";

    /// <summary>Adds logging, health checks, the warm-up gate and the gRPC server with the shared settings.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            // Scopes carry the trace and span ids, so a log line can be found from its trace.
            o.IncludeScopes = true;
        });
        // A probe that finds the service still warming is not an error: readiness itself reports why.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.AddTelemetry();

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        // Ready means warm: "ready" (and grpc.health.v1) says NOT_SERVING until the service's IWarmUp steps have run.
        builder.AddWarmUpGate();

        builder.Services.AddGrpc(o =>
        {
            // Bad input must surface as a precise status, never as a stack trace.
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
        });
        // Request size limits and INVALID_ARGUMENT (never UNKNOWN) for messages that do not decode.
        builder.AddGrpcInput();
        builder.Services.AddGrpcHealthChecks(o =>
        {
            // grpc.health.v1 reports the readiness checks; "" is the whole server. "live" is liveness alone, for
            // probes that must not restart a process that is only warming up or whose store is unreachable.
            o.Services.Map("", r => r.Tags.Contains(ReadyTag) || r.Tags.Contains(LiveTag));
            o.Services.Map(LiveTag, r => r.Tags.Contains(LiveTag));
        });
        return builder;
    }

    /// <summary>
    /// Metrics for a Prometheus scrape at /metrics and, when OTEL_EXPORTER_OTLP_ENDPOINT is set, OTLP export of
    /// traces, metrics and logs: one trace per request across the services (W3C trace context rides on the gRPC
    /// calls' HTTP/2 headers: ASP.NET Core continues it, HttpClient passes it on).
    /// </summary>
    private static void AddTelemetry(this IHostApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddMeter(TelemetryPrefix + "*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeScopes = true;
            o.IncludeFormattedMessage = true;
        });
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Traces only when something receives them: with no exporter every request's spans (one per hop, on both
            // ends) were built and dropped. The saving alone was within the machine's noise
            // (docs/benchmarks.md, "A query's vector on one thread, and what else the profile showed").
            telemetry.WithTracing(tracing => tracing
                .AddSource(TelemetryPrefix + "*")
                .AddAspNetCoreInstrumentation(o =>
                    // Health probes and scrapes are not requests anyone wants to trace.
                    o.Filter = http => !http.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                        && !http.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
                        && !http.Request.Path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.OrdinalIgnoreCase))
                .AddHttpClientInstrumentation());
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, validates data
    /// annotations and fails start-up with a message naming the bad key.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IHostApplicationBuilder builder, string section)
        where TOptions : class
    {
        return builder.Services.AddOptions<TOptions>()
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }

    /// <summary>
    /// Maps /health/live, /health/ready, the grpc.health.v1 service and the Prometheus scrape at /metrics, which only
    /// the internal metrics port answers (<see cref="MetricsEndpoint.Port"/>); the public ports have no /metrics.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag) || r.Tags.Contains(LiveTag) });
        app.MapGrpcHealthChecksService();
        app.UseMetricsEndpoint();
        return app;
    }
}
