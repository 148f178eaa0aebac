using Search.Client;
using Search.Launcher;

namespace Search.EndToEnd.Tests;

/// <summary>A real five-process cluster on free loopback ports with a fresh index in a temp folder.</summary>
public class ClusterFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "search-e2e-" + Guid.NewGuid().ToString("N"));

    public LocalCluster Cluster { get; private set; } = null!;

    public SearchClient Client { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>
    /// Stage deadlines far above the production defaults: these tests check what the cluster answers,
    /// not how fast, and other test assemblies load the same two cores meanwhile. A stopped service
    /// still fails at once (connection refused), so the degradation tests are unaffected.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraArguments => new Dictionary<string, IReadOnlyList<string>>
    {
        ["Gateway"] =
        [
            "--Gateway:RequestTimeoutMs=20000",
            "--Gateway:RouterTimeoutMs=5000",
            "--Gateway:RetrievalTimeoutMs=10000",
            "--Gateway:RerankTimeoutMs=5000",
            "--Gateway:AnswerTimeoutMs=5000",
        ],
    };

    /// <summary>Environment variables for every service process.</summary>
    protected virtual IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>();

    /// <summary>Start a redis-server for the answer cache; off by default so responses are always computed.</summary>
    protected virtual bool AnswerCache => false;

    public virtual async ValueTask InitializeAsync()
    {
        Cluster = new LocalCluster(new ClusterOptions
        {
            Ports = ClusterPorts.Free(),
            DataDirectory = _dataDirectory,
            GatewayDataDirectory = _dataDirectory + "-gateway",
            ExtraArguments = ExtraArguments,
            AnswerCache = AnswerCache,
            Environment = Environment,
        });
        await Cluster.StartAsync();
        Client = new SearchClient(Cluster.GatewayGrpcAddress, new SearchClientOptions { ApiKey = Cluster.IngestApiKey });
        Http = new HttpClient { BaseAddress = new Uri(Cluster.GatewayHttpAddress), Timeout = TimeSpan.FromSeconds(30) };
    }

    public virtual async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        Client?.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        foreach (var folder in new[] { _dataDirectory, _dataDirectory + "-gateway" })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A cluster holding the team's demo corpus, as `make run` serves it.</summary>
public sealed class DemoClusterFixture : ClusterFixture
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var ingested = await DemoCorpus.IngestIfEmptyAsync(Client, RepoLayout.DemoCorpus, _ => { }, CancellationToken.None);
        Assert.True(ingested, "a fresh index must be empty before the demo corpus goes in");
    }
}
