using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace Search.Gateway.Api;

/// <summary>
/// Configuration "Gateway:TrustedProxies" (<see cref="GatewayOptions.TrustedProxies"/>): only a request whose peer is one
/// of them has its client address taken from X-Forwarded-For (and its scheme from X-Forwarded-Proto); from anyone else
/// those headers are ignored, so a client cannot pick its own rate-limit bucket.
/// </summary>
public static class TrustedProxies
{
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .Validate(o => o.TrustedProxies.All(p => TryParse(p, out _)), "Gateway:TrustedProxies holds an entry that is neither an IP address nor a network such as 10.0.0.0/8")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayOptions>>((forwarded, trusted) =>
        {
            // Empty lists would make the middleware trust every peer: with no proxy configured it reads no header at all.
            forwarded.ForwardedHeaders = trusted.Value.TrustedProxies.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET trusts loopback by default; here only what is configured is trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list still holds 127.0.0.0/8 and is still consulted.
            forwarded.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            // Each trusted proxy in a chain adds its peer; the first untrusted address from the right is the client.
            forwarded.ForwardLimit = null;
            foreach (var entry in trusted.Value.TrustedProxies)
            {
                if (TryParse(entry, out var network))
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
            }
        });
        return builder;
    }

    /// <summary>An address is a network of one (/32 or /128).</summary>
    private static bool TryParse(string entry, out IPNetwork network)
    {
        entry = entry.Trim();
        if (IPAddress.TryParse(entry, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(entry, out network);
    }
}
