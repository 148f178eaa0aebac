using Search.Retrieval.Elasticsearch;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Tests.Behaviour;

/// <summary>
/// The store contract on a real single-node Elasticsearch in a container, one fresh alias per test.
/// Skipped, with the reason, where no Docker engine answers.
/// </summary>
public sealed class ElasticsearchPassageStoreTests(ElasticsearchContainerFixture cluster) : PassageStoreBehaviour, IClassFixture<ElasticsearchContainerFixture>
{
    protected override Task<IPassageStore> CreateStoreAsync(Action<RetrievalOptions> configure)
    {
        if (cluster.Url is null)
        {
            Assert.Skip(cluster.SkipReason ?? "the Elasticsearch container did not start");
        }

        var options = new RetrievalOptions
        {
            Backend = RetrievalBackend.Elasticsearch,
            Elasticsearch = new ElasticsearchOptions
            {
                Urls = [cluster.Url],
                IndexAlias = $"behaviour-{Guid.NewGuid():N}",
                // One node holds no replicas; one shard keeps BM25 statistics exact for the ranking test.
                NumberOfShards = 1,
                NumberOfReplicas = 0,
                RequestTimeoutSeconds = 60,
                StartupTimeoutSeconds = 120,
            },
        };
        configure(options);
        return Task.FromResult<IPassageStore>(new ElasticsearchPassageStore(options));
    }
}
