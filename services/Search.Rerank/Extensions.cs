using Microsoft.Extensions.Options;
using Search.Ranking;
using Search.Rerank;

namespace Microsoft.Extensions.Hosting;

public static class RerankExtensions
{
    /// <summary>Registers the rerank service's options and domain services.</summary>
    public static IHostApplicationBuilder AddRerank(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RerankOptions>(RerankOptions.SectionName);
        builder.Services.AddSingleton(sp =>
        {
            // Options validation has already read and checked the file when one is named.
            var options = sp.GetRequiredService<IOptions<RerankOptions>>().Value;
            var model = options.ResolveWeightsPath() is { } path ? RerankModel.Load(path).Model : null;
            return new PassageReranker(options, model);
        });
        builder.Services.AddWarmUp<RerankWarmUp>();
        return builder;
    }
}
