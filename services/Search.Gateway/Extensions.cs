namespace Microsoft.Extensions.Hosting;

public static class GatewayExtensions
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder) => builder;
}
