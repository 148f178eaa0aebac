namespace Microsoft.Extensions.Hosting;

public static class RetrievalExtensions
{
    /// <summary>Registers the retrieval service's options and domain services.</summary>
    public static IHostApplicationBuilder AddRetrieval(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
