using Microsoft.Extensions.Options;
using Search.Retrieval;
using Search.Retrieval.Health;
using Search.Retrieval.Indexing;

namespace Microsoft.Extensions.Hosting;

public static class RetrievalExtensions
{
    /// <summary>Registers the retrieval service's options and domain services.</summary>
    public static IHostApplicationBuilder AddRetrieval(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RetrievalOptions>(RetrievalOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new PassageIndex(
            sp.GetRequiredService<IOptions<RetrievalOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService<IndexOpener>();
        builder.Services.AddHealthChecks()
            .AddCheck<IndexHealthCheck>("index", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}
