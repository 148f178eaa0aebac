using Search.Router;
using Search.Router.Routing;

namespace Microsoft.Extensions.Hosting;

public static class RouterExtensions
{
    /// <summary>Registers the router service's options and domain services.</summary>
    public static IHostApplicationBuilder AddRouter(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RouterOptions>(RouterOptions.SectionName);
        builder.Services.AddSingleton<QueryRouter>();
        builder.Services.AddWarmUp<RouterWarmUp>();
        return builder;
    }
}
