using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Search.Gateway.Pipeline;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// Gateway:MaxConcurrentStreams caps the streamed searches open at once: with the only slot held by a stream whose
/// answer is still being generated, another stream is refused at once (REST 503 with Retry-After, gRPC UNAVAILABLE
/// with retry-after), a plain search still works, and the slot is free again when the stream ends.
/// </summary>
public sealed class StreamCapTests : IAsyncLifetime
{
    private const string Question = "Who patented the telephone?";
    private FakeStages _stages = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stages = await FakeStages.StartAsync(Cancel);
        _stages.Passages = [FakeStages.TelephonePassage()];
        // The answer sends one token and then generates until the call is cancelled.
        _stages.AnswerEvents = [new Rpc.AnswerStreamEvent { Token = "Bell " }, null];
    }

    public async ValueTask DisposeAsync() => await _stages.DisposeAsync();

    [Fact]
    public async Task AStreamOverTheCapIsRefusedAndTheSlotComesBackWhenTheStreamEnds()
    {
        await using var gateway = _stages.Gateway(("Gateway:MaxConcurrentStreams", "1"), ("Gateway:AnswerStreamTimeoutMs", "600000"));
        using var channel = GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });
        using var http = gateway.CreateClient();
        var slots = gateway.Services.GetRequiredService<StreamSlots>();

        // The first stream holds the slot: it has its results and a token, and waits for the rest of the answer.
        using var holding = new CancellationTokenSource();
        using var first = channel.CreateCallInvoker().AsyncServerStreamingCall(
            StreamMethod, null, new CallOptions(cancellationToken: holding.Token), new Rpc.SearchRequest { Query = Question });
        Assert.True(await first.ResponseStream.MoveNext(Cancel));
        Assert.True(await first.ResponseStream.MoveNext(Cancel));
        Assert.Equal("Bell ", first.ResponseStream.Current.Token);

        using var rest = await http.GetAsync("/api/search/stream?q=" + Uri.EscapeDataString(Question), Cancel);
        var grpc = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var second = channel.CreateCallInvoker().AsyncServerStreamingCall(StreamMethod, null, new CallOptions(cancellationToken: Cancel), new Rpc.SearchRequest { Query = Question });
            await second.ResponseStream.MoveNext(Cancel);
        });
        using var plain = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString(Question), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, rest.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), rest.Headers.RetryAfter?.Delta);
        using (var problem = JsonDocument.Parse(await rest.Content.ReadAsStringAsync(Cancel)))
        {
            Assert.Contains("Gateway:MaxConcurrentStreams", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);
        Assert.Equal("1", grpc.Trailers.GetValue("retry-after"));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);

        // The first stream ends (its client gives up): the next one is served in full.
        await holding.CancelAsync();
        while (slots.Open > 0)
        {
            await Task.Delay(10, Cancel);
        }

        _stages.AnswerEvents = [new Rpc.AnswerStreamEvent { Token = "Bell." }, new Rpc.AnswerStreamEvent { Result = new Rpc.AnswerStreamResult { FallbackReason = "no endpoint", Extractive = new Rpc.AnswerResponse() } }];
        using var after = await http.GetAsync("/api/search/stream?q=" + Uri.EscapeDataString(Question), HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.EndsWith("event: done\ndata: {}\n\n", await after.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private static readonly Method<Rpc.SearchRequest, Rpc.SearchStreamEvent> StreamMethod =
        GrpcMethods.ServerStreaming<Rpc.SearchRequest, Rpc.SearchStreamEvent>(Rpc.Gateway.Descriptor, "SearchStream");
}
