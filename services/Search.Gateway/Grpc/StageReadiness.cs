using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.ClientFactory;
using Search.Gateway.Pipeline;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Gateway.Grpc;

/// <summary>
/// What each stage's grpc.health.v1 says about itself, polled about every second over the stage's own
/// client connection (which it also keeps open and warm). A stage known NOT_SERVING (starting, warming
/// up) is not sent calls: <see cref="ThrowIfNotReady"/> fails them at once with UNAVAILABLE, which the
/// pipeline degrades like any unavailable stage. A stage not checked yet, or whose health could not be
/// read (down, no health service), is called as before: the call itself then says what is wrong.
/// </summary>
public sealed class StageReadiness(GrpcClientFactory clients, ILogger<StageReadiness> logger) : BackgroundService
{
    /// <summary>The stages, each with the name its gRPC client is registered under.</summary>
    public static readonly IReadOnlyList<string> StageNames = [Stages.Router, Stages.Retrieval, Stages.Rerank, Stages.Answer];

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, ServingStatus> _status = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _checkedOnce = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The last status read from <paramref name="stage"/>; Unknown before the first answer or when its health could not be read.</summary>
    public ServingStatus StatusOf(string stage) => _status.GetValueOrDefault(stage, ServingStatus.Unknown);

    /// <summary>Completes once every stage has been checked (whatever the answer).</summary>
    public Task CheckedOnce => _checkedOnce.Task;

    /// <summary>Fails with UNAVAILABLE "&lt;stage&gt; is not ready" when the stage says it is NOT_SERVING.</summary>
    public void ThrowIfNotReady(string stage)
    {
        if (StatusOf(stage) == ServingStatus.NotServing)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"{stage} is not ready"));
        }
    }

    /// <summary>Checks every stage once, in parallel; the poll loop and the gateway's warm-up both use it.</summary>
    public Task CheckAllAsync(CancellationToken ct) => Task.WhenAll(StageNames.Select(stage => CheckAsync(stage, ct)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            await CheckAllAsync(stoppingToken);
            _checkedOnce.TrySetResult();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task CheckAsync(string stage, CancellationToken ct)
    {
        var status = ServingStatus.Unknown;
        try
        {
            var health = clients.CreateClient<Health.HealthClient>(stage);
            var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Deadline, cancellationToken: ct);
            status = reply.Status;
        }
        catch (RpcException)
        {
            // Down, slow or without a health service: not known to be unready, so calls go out as before.
        }

        var previous = _status.GetValueOrDefault(stage, ServingStatus.Unknown);
        _status[stage] = status;
        if (status != previous && (status == ServingStatus.NotServing || previous == ServingStatus.NotServing))
        {
            logger.LogInformation("Stage {Stage} health: {Status}", stage, status);
        }
    }
}
