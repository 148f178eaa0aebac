using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Search.Gateway.Tests;

/// <summary>
/// The real gateway host with every downstream address pointing at a closed loopback port, so
/// what it answers before (or instead of) calling a stage can be tested alone.
/// </summary>
public class IsolatedGateway(params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        var closed = $"http://127.0.0.1:{ClosedPort()}";
        builder.UseSetting("Gateway:RouterAddress", closed);
        builder.UseSetting("Gateway:RetrievalAddress", closed);
        builder.UseSetting("Gateway:RerankAddress", closed);
        builder.UseSetting("Gateway:AnswerAddress", closed);
        // The tests count the calls the stages get; warm-up searches would add to them (WarmUpTests turns them on).
        builder.UseSetting("Gateway:WarmUpSearches", "0");
        // The local cluster's rate limit (tools/Search.Hosting/local-cluster.json): tests send bursts; RateLimitTests sets its own.
        builder.UseSetting("Gateway:RateLimit:PermitsPerSecond", "5000");
        builder.UseSetting("Gateway:RateLimit:Burst", "10000");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The gateway's internal metrics port in its appsettings.json (Kestrel:Endpoints:Metrics).</summary>
    public const int MetricsPort = 9100;

    /// <summary>A GET of <paramref name="path"/> as if it arrived on local port <paramref name="port"/> (public 8080, internal <see cref="MetricsPort"/>).</summary>
    public async Task<(int Status, string Body)> GetOnPortAsync(string path, int port, CancellationToken ct)
    {
        var context = await Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = path;
            c.Connection.LocalPort = port;
        }, ct);
        using var reader = new StreamReader(context.Response.Body);
        return (context.Response.StatusCode, await reader.ReadToEndAsync(ct));
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>An <see cref="IsolatedGateway"/> with its default settings, as a class fixture.</summary>
public sealed class DefaultIsolatedGateway() : IsolatedGateway([]);
