using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Search.Gateway.Pipeline;

/// <summary>
/// One Polly pipeline per downstream stage, shared by all requests:
/// <list type="bullet">
/// <item>a retry with jittered back-off for UNAVAILABLE only (the call never reached a working
/// server, and every search stage is a read, so repeating it is safe), within the stage's deadline;</item>
/// <item>a circuit breaker: when most recent calls to a stage failed because it is down, calls stop for a
/// few seconds and the stage is degraded at once instead of every request trying it again.</item>
/// </list>
/// Deadlines are not Polly's job: each call carries the stage deadline, itself capped by what is left
/// of the request's deadline, and gRPC propagates it to the service.
/// </summary>
public sealed class StageResilience
{
    private readonly Dictionary<string, ResiliencePipeline> _stages;

    public StageResilience(ILogger<StageResilience> logger)
    {
        _stages = new[] { Stages.Router, Stages.Retrieval, Stages.Rerank, Stages.Answer }
            .ToDictionary(stage => stage, stage => Build(stage, logger), StringComparer.Ordinal);
    }

    /// <summary>Retries per call after the first attempt.</summary>
    public const int MaxRetries = 2;

    public ResiliencePipeline For(string stage) => _stages[stage];

    private static ResiliencePipeline Build(string stage, ILogger logger) =>
        new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.8,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(3),
                // A stage that is down or broken, not one that is slow: a slow stage already costs each request only
                // its own deadline, and opening on timeouts would turn a burst of load into outright failures.
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(e =>
                    e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown),
                OnOpened = e =>
                {
                    logger.LogWarning("Circuit open for {Stage} for {Seconds} s after repeated failures", stage, e.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("Circuit closed for {Stage}: it answers again", stage);
                    return ValueTask.CompletedTask;
                },
            })
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = MaxRetries,
                Delay = TimeSpan.FromMilliseconds(25),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(e => e.StatusCode == StatusCode.Unavailable),
            })
            .Build();
}
