using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Search.Retrieval.Elasticsearch;
using Search.Retrieval.Storage;
using static Search.Retrieval.Tests.Elasticsearch.EsContract;

namespace Search.Retrieval.Tests.Elasticsearch;

/// <summary>The Elasticsearch settings: validated at start-up naming the key, credentials on every request, none in the description.</summary>
public sealed class ElasticsearchSettingsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("ApiKey", "ApiKey")]
    [InlineData("Username", "Basic")]
    public async Task RequestsCarryTheConfiguredCredentials(string credential, string scheme)
    {
        var fake = FakeElasticsearch.Healthy();
        using var store = Store(fake, o =>
        {
            if (credential == "ApiKey")
            {
                o.Elasticsearch.ApiKey = "aWQ6a2V5";
            }
            else
            {
                (o.Elasticsearch.Username, o.Elasticsearch.Password) = ("search", "secret");
            }
        });

        await store.GetStatsAsync(Cancel);

        Assert.All(fake.Requests, r => Assert.Equal(scheme, r.AuthScheme));
    }

    [Fact]
    public void DescriptionNamesTheNodesWithoutCredentials()
    {
        using var store = Store(new FakeElasticsearch(), o => o.Elasticsearch.Urls = ["https://search:s3cret@es-1.internal:9200", "https://es-2.internal:9200"]);

        Assert.Contains("es-1.internal:9200", store.Description, StringComparison.Ordinal);
        Assert.Contains("es-2.internal:9200", store.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", store.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "Retrieval:Elasticsearch:Urls")]
    [InlineData("Retrieval:Elasticsearch:Urls:0", "ftp://es.internal", "Retrieval:Elasticsearch:Urls")]
    [InlineData("Retrieval:Elasticsearch:CertificateFingerprint", "abc", "Retrieval:Elasticsearch:CertificateFingerprint")]
    [InlineData("Retrieval:Elasticsearch:IndexAlias", "Search Passages", "Retrieval:Elasticsearch:IndexAlias")]
    [InlineData("Retrieval:Elasticsearch:NumberOfReplicas", "-1", "Retrieval:Elasticsearch:NumberOfReplicas")]
    [InlineData("Retrieval:Elasticsearch:Password", "", "Retrieval:Elasticsearch:Password")]
    [InlineData("Retrieval:Embeddings:Sentences", "true", "Retrieval:Embeddings:Sentences")]
    public void BadElasticsearchSettingStopsStartUpNamingTheKey(string? key, string? value, string named)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Retrieval:Backend"] = "Elasticsearch";
        if (key != "Retrieval:Elasticsearch:Urls:0" && key is not null)
        {
            builder.Configuration["Retrieval:Elasticsearch:Urls:0"] = "http://es.internal:9200";
        }

        if (key == "Retrieval:Elasticsearch:Password")
        {
            builder.Configuration["Retrieval:Elasticsearch:Username"] = "search";
        }

        if (key is not null)
        {
            builder.Configuration[key] = value;
        }

        builder.AddRetrieval();
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<RetrievalOptions>>().Value);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheElasticsearchBackendIsRegisteredWhenConfigured()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Retrieval:Backend"] = "Elasticsearch";
        builder.Configuration["Retrieval:Elasticsearch:Urls:0"] = "http://es.internal:9200";
        builder.AddRetrieval();
        using var host = builder.Build();

        // Constructing the store calls nothing; the cluster is first asked at start-up (OpenAsync).
        Assert.IsType<ElasticsearchPassageStore>(host.Services.GetRequiredService<IPassageStore>());
    }

    [Fact]
    public void TheStoreRefusesInvalidOptionsNamingTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() => new ElasticsearchPassageStore(new RetrievalOptions { Backend = RetrievalBackend.Elasticsearch }));
        Assert.Contains("Retrieval:Elasticsearch:Urls", error.Message, StringComparison.Ordinal);
    }
}
