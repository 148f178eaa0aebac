using Search.Rerank;
using Search.Rerank.Ranking;

namespace Microsoft.Extensions.Hosting;

public static class RerankExtensions
{
    /// <summary>Registers the rerank service's options and domain services.</summary>
    public static IHostApplicationBuilder AddRerank(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RerankOptions>(RerankOptions.SectionName);
        builder.Services.AddSingleton<PassageReranker>();
        return builder;
    }
}
