using Search.TestKit;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Search.Retrieval.Tests;

/// <summary>The real retrieval host on a TestServer, with its index in a temporary folder.</summary>
public sealed class RetrievalHost : SignedHost<Program>
{
    private readonly string _directory = TempFolder.Create();
    private GrpcChannel? _channel;

    /// <summary>Extra configuration applied over appsettings.json, e.g. ["Retrieval:Bm25B"] = "0.5"; set before first use.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>A client whose calls carry the gateway's call and write tokens (<see cref="TestServiceKeys"/>).</summary>
    public RetrievalClient Client => new(Channel.CreateSignedInvoker());

    /// <summary>A client whose calls carry no service token: what anyone else on the host could send.</summary>
    public RetrievalClient UnsignedClient => new(Channel.CreateCallInvoker());

    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Retrieval:DataDirectory", _directory);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        await base.DisposeAsync();
        TempFolder.Delete(_directory);
    }
}
