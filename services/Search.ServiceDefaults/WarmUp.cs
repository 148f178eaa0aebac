using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Start-up work that runs a service's hot paths once, in-process (load a model, open a searcher,
/// JIT the request path), so that the first real call does not pay for it. The service reports
/// ready only when every registered step has finished, failed or run out of time.
/// </summary>
public interface IWarmUp
{
    Task WarmAsync(CancellationToken cancellationToken);
}

/// <summary>How long the warm-up may take before the service goes ready anyway (section "WarmUp").</summary>
public sealed class WarmUpOptions
{
    public const string SectionName = "WarmUp";

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 15;
}

/// <summary>
/// The readiness gate: Unhealthy "warming up" until the warm-up has ended, then Healthy, or Degraded
/// with the reason when it failed or timed out (a cold service still serves; it is only slower).
/// </summary>
public sealed class WarmUpGate : IHealthCheck
{
    private readonly TaskCompletionSource<HealthCheckResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the warm-up has ended, however it ended.</summary>
    public Task WhenWarm => _done.Task;

    public bool IsWarm => _done.Task.IsCompleted;

    internal void Open(HealthCheckResult result) => _done.TrySetResult(result);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done.Task.IsCompleted ? _done.Task.Result : HealthCheckResult.Unhealthy("warming up"));
}

/// <summary>Runs the registered <see cref="IWarmUp"/> steps in order once the host has started, then opens the gate.</summary>
internal sealed class WarmUpRunner(
    IEnumerable<IWarmUp> steps, WarmUpGate gate, IOptions<WarmUpOptions> options, IHostApplicationLifetime lifetime, ILogger<WarmUpRunner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After start-up the store is open and Kestrel listens, so /health/live answers while this runs.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var clock = Stopwatch.StartNew();
        var work = Task.Run(() => RunStepsAsync(cancel.Token), cancel.Token);
        try
        {
            // WaitAsync bounds steps that do not watch the token (a model load, a first JIT) as well.
            await work.WaitAsync(timeout, stoppingToken);
            logger.LogInformation("warm in {Milliseconds} ms", clock.ElapsedMilliseconds);
            gate.Open(HealthCheckResult.Healthy($"warm in {clock.ElapsedMilliseconds} ms"));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before it was warm.
        }
        catch (TimeoutException) when (!work.IsCompleted)
        {
            await cancel.CancelAsync();
            logger.LogWarning("Warm-up did not finish within {Seconds} s; ready anyway", timeout.TotalSeconds);
            gate.Open(HealthCheckResult.Degraded($"warm-up did not finish within {timeout.TotalSeconds} s"));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Warm-up failed after {Milliseconds} ms; ready anyway", clock.ElapsedMilliseconds);
            gate.Open(HealthCheckResult.Degraded($"warm-up failed: {e.Message}", e));
        }

        // The steps use the service's own singletons (a model session, the index), which the host disposes once this
        // has returned: a step still running then would run on disposed objects (on an unguarded ONNX session that is
        // a native crash, not an exception). The host bounds this wait by its shutdown timeout.
        await cancel.CancelAsync();
        await work.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunStepsAsync(CancellationToken ct)
    {
        foreach (var step in steps)
        {
            await step.WarmAsync(ct);
        }
    }
}

public static class WarmUpExtensions
{
    /// <summary>Adds <typeparamref name="TStep"/> to the warm-up that runs before the service reports ready.</summary>
    public static IServiceCollection AddWarmUp<TStep>(this IServiceCollection services)
        where TStep : class, IWarmUp
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWarmUp, TStep>());
        return services;
    }

    /// <summary>The gate, its runner and the "ready" health check that reports NOT_SERVING until warm.</summary>
    internal static IHostApplicationBuilder AddWarmUpGate(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<WarmUpOptions>(WarmUpOptions.SectionName);
        builder.Services.AddSingleton<WarmUpGate>();
        builder.Services.AddHostedService<WarmUpRunner>();
        builder.Services.AddHealthChecks().AddCheck<WarmUpGate>("warm-up", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}
