using System.Net;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Search.EndToEnd.Tests;

/// <summary>
/// The answer cache on the official Redis image in a container, for machines with Docker; where no
/// Docker engine answers, nothing is started and the tests skip with that reason.
/// </summary>
public sealed class ContainerRedisClusterFixture : IngestClusterFixture
{
    private const string Image = "redis:7.2-alpine";
    private readonly int _redisPort = LoopbackPorts.Free();
    private IContainer? _redis;

    public string? SkipReason { get; private set; }

    protected override IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraArguments
    {
        get
        {
            var arguments = base.ExtraArguments.ToDictionary(kv => kv.Key, kv => kv.Value);
            arguments["Gateway"] = [.. arguments["Gateway"], $"--Gateway:Cache:Redis=127.0.0.1:{_redisPort}", "--Gateway:Cache:BreakSeconds=1"];
            return arguments;
        }
    }

    public IContainer Redis => _redis ?? throw new InvalidOperationException(SkipReason);

    public override async ValueTask InitializeAsync()
    {
        try
        {
            // A fixed host port, so the gateway finds Redis again after the container restarts.
            _redis = new ContainerBuilder(Image)
                .WithPortBinding(_redisPort, 6379)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilCommandIsCompleted("redis-cli", "ping"))
                .Build();
            await _redis.StartAsync();
        }
        catch (DockerUnavailableException e)
        {
            SkipReason = $"no Docker engine answers: {e.Message}";
            return;
        }

        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_redis is null)
        {
            return;
        }

        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }
}

public sealed class ContainerRedisTests(ContainerRedisClusterFixture fixture) : IClassFixture<ContainerRedisClusterFixture>
{
    [Fact]
    public async Task TheCacheServesHitsAndARestartedRedisContainerFailsNoRequest()
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        var ct = TestContext.Current.CancellationToken;
        using (var post = await fixture.PostNdjsonAsync(IngestClusterFixture.Line("container-cache", "The wembleroot was first planted by Iris Hale."), ct: ct))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        await fixture.SearchIdsAsync("Who first planted the wembleroot?", ct);
        Assert.True(await CachedAsync("Who first planted the wembleroot?", ct));

        await fixture.Redis.StopAsync(ct);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("container-cache", (await fixture.SearchIdsAsync("Who first planted the wembleroot?", ct))[0]);
        }

        await fixture.Redis.StartAsync(ct);
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await CachedAsync("Who first planted the wembleroot?", ct))
        {
            Assert.True(DateTime.UtcNow < until, "the cache was not used again within 30 s of the container restarting");
            await Task.Delay(200, ct);
        }
    }

    private async Task<bool> CachedAsync(string question, CancellationToken ct)
    {
        using var response = await fixture.Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(question), ct);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return json.RootElement.GetProperty("cached").GetBoolean();
    }
}
