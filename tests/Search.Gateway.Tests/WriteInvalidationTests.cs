using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Search.Gateway.Caching;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// A write whose reply never comes (retrieval is a closed port here) may still have been applied: the gateway drops
/// the cached answers citing its documents at once, and again once its deadline has passed, when a late commit would
/// have landed. Counted by <see cref="AnswerCache.LocalEpoch"/>, which every invalidation moves, Redis or not.
/// </summary>
public sealed class WriteInvalidationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARestDeleteWithoutAReplyDropsItsAnswersNowAndAfterItsDeadline()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var gateway = Gateway(time);
        using var http = gateway.CreateClient();
        var cache = gateway.Services.GetRequiredService<AnswerCache>();
        var before = cache.LocalEpoch;

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/documents/doc-1");
        request.Headers.Add("X-Api-Key", "key");
        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(before + 1, cache.LocalEpoch);
        await PassDeadlineUntil(time, () => cache.LocalEpoch == before + 2);
    }

    [Fact]
    public async Task AGrpcUpsertWithoutAReplyDropsItsAnswersNowAndAfterItsDeadline()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var gateway = Gateway(time);
        using var channel = GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });
        var cache = gateway.Services.GetRequiredService<AnswerCache>();
        var before = cache.LocalEpoch;

        var upsert = new Rpc.UpsertDocumentsRequest { Documents = { new Rpc.Document { Id = "doc-2", Text = "The kestrel hovers." } } };
        var failed = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(
            UpsertMethod, null, new CallOptions(new Metadata { { "x-api-key", "key" } }, cancellationToken: Cancel), upsert).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        Assert.Equal(before + 1, cache.LocalEpoch);
        await PassDeadlineUntil(time, () => cache.LocalEpoch == before + 2);
    }

    /// <summary>Moves the clock past the write's deadline and the grace after it, a second at a time, until <paramref name="done"/>.</summary>
    private static async Task PassDeadlineUntil(ManualTime time, Func<bool> done)
    {
        time.Advance(TimeSpan.FromMilliseconds(IngestTimeoutMs));
        while (!done())
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10, Cancel);
        }
    }

    private const int IngestTimeoutMs = 60_000;

    private static Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Gateway(ManualTime time) =>
        new IsolatedGateway(("Gateway:IngestApiKey", "key"), ("Gateway:IngestTimeoutMs", IngestTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)));

    private static readonly Method<Rpc.UpsertDocumentsRequest, Rpc.IngestResponse> UpsertMethod =
        GrpcMethods.Unary<Rpc.UpsertDocumentsRequest, Rpc.IngestResponse>(Rpc.Gateway.Descriptor, "UpsertDocuments");
}
