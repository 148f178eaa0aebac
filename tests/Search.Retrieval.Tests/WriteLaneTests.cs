using Search.TestKit;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Rpc = Search.Contracts.V1;

namespace Search.Retrieval.Tests;

/// <summary>
/// Retrieval's call limit keeps writes apart from searches: with the only search slot held, a document is still
/// upserted and deleted, and a search that cannot get the slot in time is refused.
/// </summary>
public sealed class WriteLaneTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WritesDoNotWaitForTheSearchesSlot()
    {
        var held = new HoldSearches();
        await using var host = new RetrievalHost();
        host.Settings["Service:Calls:MaxConcurrent"] = "1";
        await using var factory = host.WithWebHostBuilder(b =>
            // Added after the call limit, so it runs inside the slot.
            b.ConfigureServices(s => s.AddSingleton(held).Configure<GrpcServiceOptions>(o => o.Interceptors.Add<HoldSearches>())));
        using var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        var client = new RetrievalClient(channel.CreateSignedInvoker());

        var holding = client.SearchAsync(new Rpc.RetrieveRequest { Query = "hold the only slot", TopK = 1 }, Cancel).ResponseAsync;
        await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);

        var upsert = new Rpc.UpsertDocumentsRequest();
        upsert.Documents.Add(new Rpc.Document { Id = "lane-1", Text = "The ferry to Pellworm leaves at 07:40 on weekdays.", Lang = "en" });
        var written = await client.UpsertDocumentsAsync(upsert, Cancel).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        // The search slot is still held: a search in the meantime fails (its status depends on which side notices the
        // deadline first; through the in-memory test server a loaded machine has also shown INTERNAL).
        await Assert.ThrowsAsync<RpcException>(() => SearchWithin(channel, "ferry pellworm", TimeSpan.FromMilliseconds(300)));
        var deleted = await client.DeleteDocumentsAsync(new Rpc.DeleteDocumentsRequest { DocumentIds = { "lane-1" } }, Cancel).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        held.Release.SetResult();
        await holding;

        Assert.Equal(1, written.Accepted);
        Assert.Equal(1, deleted.Deleted);
        Assert.Empty((await client.SearchAsync(new Rpc.RetrieveRequest { Query = "ferry pellworm", TopK = 1 }, Cancel)).Passages);
    }

    private static Task<Rpc.RetrieveResponse> SearchWithin(GrpcChannel channel, string query, TimeSpan timeout) =>
        channel.CreateSignedInvoker().AsyncUnaryCall(
            Search.TestKit.GrpcMethods.Unary<Rpc.RetrieveRequest, Rpc.RetrieveResponse>(Rpc.Retrieval.Descriptor, "Search"), null,
            new CallOptions(deadline: DateTime.UtcNow + timeout, cancellationToken: Cancel), new Rpc.RetrieveRequest { Query = query, TopK = 1 }).ResponseAsync;

    /// <summary>Holds searches whose query starts with "hold" until released.</summary>
    private sealed class HoldSearches : Interceptor
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is Rpc.RetrieveRequest { Query: var query } && query.StartsWith("hold", StringComparison.Ordinal))
            {
                Entered.TrySetResult();
                await Release.Task.WaitAsync(context.CancellationToken);
            }

            return await continuation(request, context);
        }
    }
}
