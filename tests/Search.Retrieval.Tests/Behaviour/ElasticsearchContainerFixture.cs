using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Search.Retrieval.Tests.Behaviour;

/// <summary>
/// The official Elasticsearch image, single node, security off, a small heap, on a random host port.
/// Where no Docker engine answers, <see cref="Url"/> stays null and <see cref="SkipReason"/> says why.
/// </summary>
public sealed class ElasticsearchContainerFixture : IAsyncLifetime
{
    public const string Image = "docker.elastic.co/elasticsearch/elasticsearch:9.1.0";
    private const int HttpPort = 9200;

    private IContainer? _container;

    /// <summary>The node's HTTP address, once it answers.</summary>
    public string? Url { get; private set; }

    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        try
        {
            _container = new ContainerBuilder(Image)
                .WithEnvironment("discovery.type", "single-node")
                .WithEnvironment("xpack.security.enabled", "false")
                .WithEnvironment("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
                // A nearly full disk on a build machine must not turn the test indices read-only.
                .WithEnvironment("cluster.routing.allocation.disk.threshold_enabled", "false")
                .WithPortBinding(HttpPort, assignRandomHostPort: true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request.ForPort(HttpPort).ForPath("/_cluster/health")))
                .Build();
            await _container.StartAsync(TestContext.Current.CancellationToken);
            Url = $"http://{_container.Hostname}:{_container.GetMappedPublicPort(HttpPort)}";
        }
        catch (DockerUnavailableException e)
        {
            SkipReason = $"no Docker engine answers: {e.Message}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
