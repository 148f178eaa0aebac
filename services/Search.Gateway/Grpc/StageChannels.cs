using System.ComponentModel.DataAnnotations;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;

namespace Search.Gateway.Grpc;

/// <summary>
/// The gateway's channels to its stages. An http address keeps one HTTP/2 connection to whichever instance it
/// reached first. A <c>dns:///host:port</c> address (a headless Kubernetes Service: every ready pod is a DNS
/// record) resolves to every instance, re-resolves every <see cref="ResolveInterval"/> so new instances get calls,
/// and spreads calls over them round-robin.
/// </summary>
public static class StageChannels
{
    public const string DnsScheme = "dns";

    /// <summary>How often a dns:/// address is resolved again (besides after a connection fails).</summary>
    public static readonly TimeSpan ResolveInterval = TimeSpan.FromSeconds(30);

    public static void Configure(GrpcChannelOptions channel, Uri address)
    {
        // A restarted service must be used again within seconds, not after gRPC's default back-off (up to two minutes).
        channel.InitialReconnectBackoff = TimeSpan.FromMilliseconds(200);
        channel.MaxReconnectBackoff = TimeSpan.FromSeconds(2);
        if (address.Scheme == DnsScheme)
        {
            // The stages speak h2c, as over http://; a dns:/// address does not say so itself.
            channel.Credentials = ChannelCredentials.Insecure;
            channel.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
        }
    }

    /// <summary>The resolver for dns:/// addresses, registered for every channel the client factory makes.</summary>
    public static ResolverFactory DnsResolver() => new DnsResolverFactory(ResolveInterval);
}

/// <summary>A stage address: http(s)://host:port, or dns:///host:port for per-call balancing over every instance.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class StageAddressAttribute : ValidationAttribute
{
    public StageAddressAttribute()
        : base("{0} must be an http://host:port or dns:///host:port address, e.g. http://127.0.0.1:5101 or dns:///router:5101")
    {
    }

    public override bool IsValid(object? value) =>
        value is not string text || (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme switch
        {
            "http" or "https" => uri.Host.Length > 0,
            StageChannels.DnsScheme => uri.AbsolutePath.TrimStart('/').Contains(':', StringComparison.Ordinal),
            _ => false,
        });
}
