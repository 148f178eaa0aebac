using Search.TestKit;
using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Router.Tests;

/// <summary>Ready means warm: the shared warm-up gate in a real router host, held by a step the test releases.</summary>
public sealed class ReadinessTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadinessSaysNotServingWhileWarmingAndServingAfterwardsWhileLivenessStaysUpOverHttpAndGrpc()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var factory = Router(new HeldWarmUp(release.Task));
        using var http = factory.CreateClient();
        using var channel = Channel(factory);
        var health = new Health.HealthClient(channel);

        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Cancel)).Status);
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "live" }, cancellationToken: Cancel)).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live", Cancel)).StatusCode);

        release.SetResult();
        await factory.Services.GetRequiredService<WarmUpGate>().WhenWarm.WaitAsync(TimeSpan.FromMinutes(1), Cancel);

        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Cancel)).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live", Cancel)).StatusCode);
    }

    [Fact]
    public async Task AFailedWarmUpGoesReadyAnywayAndReadinessSaysWhy()
    {
        await using var factory = Router(new HeldWarmUp(Task.FromException(new InvalidOperationException("the model file is unreadable"))));
        using var http = factory.CreateClient();

        await factory.Services.GetRequiredService<WarmUpGate>().WhenWarm.WaitAsync(TimeSpan.FromMinutes(1), Cancel);

        var result = await factory.Services.GetRequiredService<WarmUpGate>().CheckHealthAsync(null!, Cancel);
        Assert.Contains("the model file is unreadable", result.Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready", Cancel)).StatusCode);
    }

    [Fact]
    public async Task AWarmUpThatNeverEndsGoesReadyAfterItsTimeout()
    {
        await using var factory = Router(new HeldWarmUp(new TaskCompletionSource().Task), ("WarmUp:TimeoutSeconds", "1"));
        using var channel = Channel(factory);

        await factory.Services.GetRequiredService<WarmUpGate>().WhenWarm.WaitAsync(TimeSpan.FromMinutes(1), Cancel);

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: Cancel);
        Assert.Equal(ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task AHostStoppedWhileWarmingUpDisposesNothingUnderAStepStillRunning()
    {
        // The step ignores cancellation, as a model call does, and ends early only if its dependency is disposed under
        // it: the runner used to return at once on stopping, and the host disposed the step's dependencies under it.
        var factory = new SignedHost<Program>().WithWebHostBuilder(b =>
            b.ConfigureServices(s => s.AddSingleton<Dependency>().AddSingleton<IWarmUp, UninterruptibleWarmUp>()));
        var step = factory.Services.GetServices<IWarmUp>().OfType<UninterruptibleWarmUp>().Single();
        await step.Started.WaitAsync(TimeSpan.FromMinutes(1), Cancel);

        await factory.DisposeAsync();

        Assert.False(await step.DependencyDisposedWhileRunning.WaitAsync(TimeSpan.FromMinutes(1), Cancel));
    }

    private static WebApplicationFactory<Program> Router(IWarmUp step, params (string Key, string Value)[] settings) =>
        new SignedHost<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }

            b.ConfigureServices(s => s.AddSingleton(step));
        });

    private static GrpcChannel Channel(WebApplicationFactory<Program> factory) =>
        GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });

    /// <summary>A singleton the host disposes when it stops.</summary>
    private sealed class Dependency : IDisposable
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Disposed => _disposed.Task;

        public void Dispose() => _disposed.TrySetResult();
    }

    /// <summary>
    /// A warm-up step that runs for two seconds whatever its token says, or until its dependency is disposed under it,
    /// and reports which happened.
    /// </summary>
    private sealed class UninterruptibleWarmUp(Dependency dependency) : IWarmUp
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<bool> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public Task<bool> DependencyDisposedWhileRunning => _ended.Task;

        public async Task WarmAsync(CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            var first = await Task.WhenAny(dependency.Disposed, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
            _ended.TrySetResult(first == dependency.Disposed);
        }
    }

    /// <summary>A warm-up step that ends when <paramref name="until"/> does (or fails with it).</summary>
    private sealed class HeldWarmUp(Task until) : IWarmUp
    {
        public Task WarmAsync(CancellationToken cancellationToken) => until.WaitAsync(cancellationToken);
    }
}
