namespace Search.Gateway.Tests;

/// <summary>The Prometheus scrape answers on the internal metrics port only: the public port has no /metrics.</summary>
public sealed class MetricsPortTests(DefaultIsolatedGateway gateway) : IClassFixture<DefaultIsolatedGateway>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MetricsAreServedOnTheInternalPort()
    {
        var (status, body) = await gateway.GetOnPortAsync("/metrics", IsolatedGateway.MetricsPort, Cancel);

        Assert.Equal(200, status);
        Assert.Contains("# TYPE", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8080)]
    [InlineData(8081)]
    public async Task MetricsAreNotServedOnThePublicPorts(int port)
    {
        var (status, body) = await gateway.GetOnPortAsync("/metrics", port, Cancel);

        Assert.Equal(404, status);
        Assert.DoesNotContain("# TYPE", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePageAndHealthStayOnThePublicPort()
    {
        Assert.Equal(200, (await gateway.GetOnPortAsync("/", 8080, Cancel)).Status);
        Assert.Equal(200, (await gateway.GetOnPortAsync("/health/live", 8080, Cancel)).Status);
    }
}
