using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Search service shares: logging, health (HTTP and grpc.health.v1),
/// gRPC server settings and strict options.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>Adds logging, health checks and the gRPC server with the shared settings.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        builder.Services.AddGrpc(o =>
        {
            // Bad input must surface as a precise status, never as a stack trace.
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
            o.MaxReceiveMessageSize = 64 * 1024 * 1024;
        });
        builder.Services.AddGrpcHealthChecks(o =>
        {
            // grpc.health.v1 reports the readiness checks; "" is the whole server.
            o.Services.Map("", r => r.Tags.Contains(ReadyTag) || r.Tags.Contains(LiveTag));
        });
        return builder;
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

    /// <summary>Maps /health/live, /health/ready and the grpc.health.v1 service.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag) || r.Tags.Contains(LiveTag) });
        app.MapGrpcHealthChecksService();
        return app;
    }
}
