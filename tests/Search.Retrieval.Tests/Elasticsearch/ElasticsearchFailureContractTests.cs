using Search.Retrieval.Storage;
using static Search.Retrieval.Tests.Elasticsearch.EsContract;

namespace Search.Retrieval.Tests.Elasticsearch;

/// <summary>Cluster errors and unanswered requests become store errors that say whether to retry.</summary>
public sealed class ElasticsearchFailureContractTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(429, "es_rejected_execution_exception", "rejected execution of coordinating operation", true)]
    [InlineData(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];", true)]
    [InlineData(504, "timeout_exception", "Timed out waiting for a node", true)]
    [InlineData(400, "illegal_argument_exception", "field [text_en] has no analyzer", false)]
    [InlineData(404, "index_not_found_exception", "no such index [search-passages]", false)]
    public async Task ClusterErrorsBecomeStoreErrorsThatSayWhetherToRetry(int status, string type, string reason, bool retryable)
    {
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_search", new Reply(status, EsJson.Error(status, type, reason)));
        using var store = Store(fake);

        var error = await Assert.ThrowsAsync<PassageStoreException>(() => store.SearchAsync("rivers", cancellationToken: Cancel));

        Assert.Equal(retryable, error.Retryable);
        Assert.Contains("Elasticsearch", error.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{type}: {reason}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANodeThatDoesNotAnswerIsARetryableError()
    {
        var fake = FakeElasticsearch.Healthy().On("POST", $"/{Alias}/_count", Reply.Refused);
        using var store = Store(fake);

        var error = await Assert.ThrowsAsync<PassageStoreException>(() => store.GetStatsAsync(Cancel));

        Assert.True(error.Retryable);
        Assert.Contains("Elasticsearch", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
    }
}
