using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Retrieval.Tests;

/// <summary>
/// The real retrieval host over an index whose disk fills up (<see cref="FailingDirectory"/>): the failed write is
/// UNAVAILABLE with the reason, /health/ready and grpc.health.v1 say not ready with the reason, and both are ready
/// again once the disk has room.
/// </summary>
public sealed class WriterHealthTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFullDiskMakesRetrievalNotReadyUntilTheWriterReopens()
    {
        FailingDirectory? disk = null;
        await using var host = new RetrievalHost();
        await using var factory = host.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPassageStore>(sp => new PassageIndex(
            sp.GetRequiredService<IOptions<RetrievalOptions>>().Value,
            logger: sp.GetRequiredService<ILogger<PassageIndex>>(),
            directory: inner => disk = new FailingDirectory(inner)))));
        using var http = factory.CreateClient();
        using var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        var health = new global::Grpc.Health.V1.Health.HealthClient(channel);
        var client = new RetrievalClient(channel.CreateSignedInvoker());
        // Ready once warmed up (the warm-up searches run in the background at start).
        while ((await http.GetAsync("/health/ready", Cancel)).StatusCode != HttpStatusCode.OK)
        {
            await Task.Delay(50, Cancel);
        }

        disk!.FailAfter(0);
        var upsert = new Rpc.UpsertDocumentsRequest { Documents = { new Rpc.Document { Id = "gull", Text = "The gull nests on the cliff.", Lang = "en" } } };
        var failed = await Assert.ThrowsAsync<RpcException>(() => client.UpsertDocumentsAsync(upsert, Cancel).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        Assert.Contains("No space left on device", failed.Status.Detail, StringComparison.Ordinal);
        using (var ready = await http.GetAsync("/health/ready", Cancel))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Cancel)).Status);
        var (healthy, reason) = await factory.Services.GetRequiredService<IPassageStore>().CheckHealthAsync(Cancel);
        Assert.False(healthy);
        Assert.Contains("refuses writes", reason, StringComparison.Ordinal);

        disk.Heal();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready", Cancel)).StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Cancel)).Status);
        Assert.Equal(1, (await client.UpsertDocumentsAsync(upsert, Cancel)).Accepted);
    }
}
