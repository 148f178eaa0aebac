namespace Microsoft.Extensions.Hosting;

public static class RouterExtensions
{
    /// <summary>Registers the router service's options and domain services.</summary>
    public static IHostApplicationBuilder AddRouter(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
