namespace Microsoft.Extensions.Hosting;

public static class RerankExtensions
{
    /// <summary>Registers the rerank service's options and domain services.</summary>
    public static IHostApplicationBuilder AddRerank(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
