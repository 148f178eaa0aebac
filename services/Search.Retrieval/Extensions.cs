using Microsoft.Extensions.Options;
using Search.Retrieval;
using Search.Retrieval.Elasticsearch;
using Search.Retrieval.Embeddings;
using Search.Retrieval.Health;
using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Retrieval.Storage;

namespace Microsoft.Extensions.Hosting;

public static class RetrievalExtensions
{
    /// <summary>Registers the retrieval service's options, its passage store (by Retrieval:Backend) and health.</summary>
    public static IHostApplicationBuilder AddRetrieval(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RetrievalOptions>(RetrievalOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        // The model loads with the store, at start-up (about a second), never on the first query.
        builder.Services.AddSingleton(sp => new PassageEmbedder(sp.GetRequiredService<IOptions<RetrievalOptions>>().Value.Embeddings));
        builder.Services.AddSingleton<IPassageStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RetrievalOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var embedder = sp.GetRequiredService<PassageEmbedder>();
            return options.Backend switch
            {
                RetrievalBackend.Elasticsearch => new ElasticsearchPassageStore(options, time, sp.GetRequiredService<ILogger<ElasticsearchPassageStore>>(), embedder: embedder),
                _ => new PassageIndex(options, time, embedder, sp.GetRequiredService<ILogger<PassageIndex>>()),
            };
        });
        builder.Services.AddHostedService<StoreOpener>();
        builder.Services.AddHostedService<VectorBackfill>();
        builder.Services.AddWarmUp<SearchWarmUp>();
        builder.Services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}
