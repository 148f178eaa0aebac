using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// Admission control through a real gateway host: with its one slot busy, a search is refused at once with
/// 503 and Retry-After (REST) or UNAVAILABLE with retry-after (gRPC Search and Retrieve), and retrieval never sees it.
/// </summary>
public sealed class OverloadTests : IAsyncLifetime
{
    private FakeStages _stages = null!;

    public async ValueTask InitializeAsync()
    {
        _stages = await FakeStages.StartAsync(TestContext.Current.CancellationToken);
        _stages.Passages = [new Rpc.ScoredPassage { Passage = new Rpc.Passage { PassageId = "d#0", DocumentId = "d", Text = "Some text." }, Score = 1, RetrievalScore = 1 }];
    }

    public async ValueTask DisposeAsync() => await _stages.DisposeAsync();

    [Fact]
    public async Task WithItsSlotsBusyTheGatewayRefusesAtOnceAndRetrievalNeverSeesTheRefusedCalls()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = _stages.Gateway(
            ("Gateway:Admission:MaxConcurrent", "1"),
            ("Gateway:Admission:MaxQueueMs", "0"));
        using var http = gateway.CreateClient();
        _stages.RetrievalGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = http.GetAsync("/api/search?q=first", ct);
        for (var i = 0; i < 500 && _stages.Retrievals == 0; i++)
        {
            await Task.Delay(10, ct);
        }

        using var refused = await http.GetAsync("/api/search?q=second", ct);
        using var channel = GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });
        var grpc = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker()
            .AsyncUnaryCall(SearchMethod, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct), new Rpc.SearchRequest { Query = "third" }).ResponseAsync);
        var retrieve = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker()
            .AsyncUnaryCall(RetrieveMethod, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct), new Rpc.RetrieveRequest { Query = "fourth", TopK = 5 }).ResponseAsync);
        var retrievalsWhileBusy = _stages.Retrievals;
        _stages.RetrievalGate.SetResult();
        using var served = await first;

        Assert.Equal(1, retrievalsWhileBusy);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", Assert.Single(refused.Headers.GetValues("Retry-After")));
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.Contains("overloaded", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);
        Assert.Contains("overloaded", grpc.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("1", grpc.Trailers.GetValue("retry-after"));
        Assert.Equal(StatusCode.Unavailable, retrieve.StatusCode);
        Assert.Equal("1", retrieve.Trailers.GetValue("retry-after"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    private static readonly Method<Rpc.RetrieveRequest, Rpc.RetrieveResponse> RetrieveMethod =
        GrpcMethods.Unary<Rpc.RetrieveRequest, Rpc.RetrieveResponse>(Rpc.Gateway.Descriptor, "Retrieve");

    private static readonly Method<Rpc.SearchRequest, Rpc.SearchResponse> SearchMethod =
        GrpcMethods.Unary<Rpc.SearchRequest, Rpc.SearchResponse>(Rpc.Gateway.Descriptor, "Search");
}
