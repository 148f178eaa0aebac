using Microsoft.Extensions.Options;
using Search.Retrieval;
using Search.Retrieval.Elasticsearch;
using Search.Retrieval.Health;
using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;

namespace Microsoft.Extensions.Hosting;

public static class RetrievalExtensions
{
    /// <summary>Registers the retrieval service's options, its passage store (by Retrieval:Backend) and health.</summary>
    public static IHostApplicationBuilder AddRetrieval(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RetrievalOptions>(RetrievalOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPassageStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RetrievalOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return options.Backend switch
            {
                RetrievalBackend.Elasticsearch => new ElasticsearchPassageStore(options, time, sp.GetRequiredService<ILogger<ElasticsearchPassageStore>>()),
                _ => new PassageIndex(options, time),
            };
        });
        builder.Services.AddHostedService<StoreOpener>();
        builder.Services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}
