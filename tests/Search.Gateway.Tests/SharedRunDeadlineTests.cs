using Grpc.Core;
using Grpc.Net.Client;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// Identical searches share one pipeline run, but the run keeps a deadline of its own: a caller whose deadline is
/// short fails (or is served) alone and never takes down the others waiting for the same answer.
/// </summary>
public sealed class SharedRunDeadlineTests : IAsyncLifetime
{
    private const string Question = "Who patented the telephone?";
    private FakeStages _stages = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stages = await FakeStages.StartAsync(Cancel);
        _stages.Passages = [FakeStages.TelephonePassage()];
        _stages.UnaryAnswer = new Rpc.AnswerResponse { Shown = false };
    }

    public async ValueTask DisposeAsync() => await _stages.DisposeAsync();

    [Fact]
    public async Task ACallersShortDeadlineFailsOnlyThatCaller()
    {
        _stages.RetrievalGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = _stages.Gateway(
            ("Gateway:RequestTimeoutMs", "60000"),
            ("Gateway:RetrievalTimeoutMs", "30000"),
            ("Gateway:RerankTimeoutMs", "20000"),
            ("Gateway:RouterTimeoutMs", "20000"),
            ("Gateway:AnswerTimeoutMs", "20000"));
        using var channel = GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });
        var invoker = channel.CreateCallInvoker();

        // The hasty caller's search reaches retrieval, which holds it; the patient one asks the same question meanwhile.
        var hasty = invoker.AsyncUnaryCall(
            SearchMethod, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: Cancel), new Rpc.SearchRequest { Query = Question }).ResponseAsync;
        await WaitUntil(() => _stages.Retrievals >= 1);
        var patient = invoker.AsyncUnaryCall(
            SearchMethod, null, new CallOptions(cancellationToken: Cancel), new Rpc.SearchRequest { Query = Question }).ResponseAsync;

        var failed = await Assert.ThrowsAnyAsync<RpcException>(() => hasty);
        // The hasty caller's retrieval call has given up too: only then may retrieval answer.
        await WaitUntil(() => _stages.RetrievalsAbandoned >= 1);
        _stages.RetrievalGate.SetResult();
        var answered = await patient;

        // Its own deadline ended its search: retrieval timed out under it (UNAVAILABLE) or the call did.
        Assert.Contains(failed.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Unavailable });
        Assert.Empty(answered.Degraded);
        Assert.Equal("doc-0", Assert.Single(answered.Results).DocumentId);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, Cancel);
        }
    }

    private static readonly Method<Rpc.SearchRequest, Rpc.SearchResponse> SearchMethod =
        GrpcMethods.Unary<Rpc.SearchRequest, Rpc.SearchResponse>(Rpc.Gateway.Descriptor, "Search");
}
