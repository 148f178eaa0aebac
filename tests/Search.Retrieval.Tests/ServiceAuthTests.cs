using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Microsoft.Extensions.Hosting;
using Search.Contracts.V1;
using Search.TestKit;

namespace Search.Retrieval.Tests;

/// <summary>
/// Retrieval takes calls from the gateway only (a service token signed with ServiceAuth:CallKey), and writes only
/// with the gateway's write token (ServiceAuth:WriteKey) besides: the real host, real gRPC, real index.
/// </summary>
public sealed class ServiceAuthTests(RetrievalHost host) : IClassFixture<RetrievalHost>
{
    private static readonly string Service = "/" + Search.Contracts.V1.Retrieval.Descriptor.FullName + "/";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASearchWithoutTheServiceTokenIsUnauthenticated()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => host.UnsignedClient.SearchAsync(new RetrieveRequest { Query = "ferry" }, Cancel).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("takes calls from the gateway only", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("no token", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWriteWithoutAnyTokenIsRefusedAndStoresNothing()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => host.UnsignedClient.UpsertDocumentsAsync(Batch("open-door"), Cancel).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        await AssertNotStoredAsync("open-door");
    }

    [Fact]
    public async Task AWriteWithTheCallTokenButNotTheWriteTokenIsPermissionDenied()
    {
        var callOnly = Client(new ServiceTokenInterceptor(TestServiceKeys.CallKey, null, TimeProvider.System));

        var upsert = await Assert.ThrowsAsync<RpcException>(() => callOnly.UpsertDocumentsAsync(Batch("call-only"), Cancel).ResponseAsync);
        var delete = await Assert.ThrowsAsync<RpcException>(() => callOnly.DeleteDocumentsAsync(new DeleteDocumentsRequest { DocumentIds = { "x" } }, Cancel).ResponseAsync);
        var stream = callOnly.UpsertDocumentStream(Cancel);
        try
        {
            await stream.RequestStream.WriteAsync(Document("call-only-stream"), Cancel);
            await stream.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The service may end the call before the write is on its way: the write then fails as "Cancelled", and
            // the call's status, below, says why.
        }

        var streamed = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseAsync);

        Assert.All([upsert, delete, streamed], e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Contains("only the gateway's authorised ingest may write", upsert.Status.Detail, StringComparison.Ordinal);
        await AssertNotStoredAsync("call-only");
        await AssertNotStoredAsync("call-only-stream");
        // Reads need the call token only.
        await callOnly.SearchAsync(new RetrieveRequest { Query = "ferry" }, Cancel).ResponseAsync;
    }

    [Fact]
    public async Task TokensSignedWithAnotherKeyAreRefused()
    {
        const string other = "another-deployments-key-0123456789abcdefghij";
        var wrongCall = Client(new ServiceTokenInterceptor(other, TestServiceKeys.WriteKey, TimeProvider.System));
        var wrongWrite = Client(new ServiceTokenInterceptor(TestServiceKeys.CallKey, other, TimeProvider.System));

        var search = await Assert.ThrowsAsync<RpcException>(() => wrongCall.SearchAsync(new RetrieveRequest { Query = "ferry" }, Cancel).ResponseAsync);
        var write = await Assert.ThrowsAsync<RpcException>(() => wrongWrite.UpsertDocumentsAsync(Batch("wrong-write"), Cancel).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, search.StatusCode);
        Assert.Contains("wrong signature", search.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, write.StatusCode);
        Assert.Contains("wrong signature", write.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(TestServiceKeys.CallKey, search.Status.Detail, StringComparison.Ordinal);
        await AssertNotStoredAsync("wrong-write");
    }

    [Fact]
    public async Task ATokenMadeForASearchDoesNotOpenAWrite()
    {
        // What someone who saw a search's headers could replay: good tokens, for another method.
        var now = DateTimeOffset.UtcNow;
        var replayed = Client(headers =>
        {
            headers.Add(ServiceTokens.CallHeader, ServiceTokens.Create(TestServiceKeys.CallKey, Service + "Search", now));
            headers.Add(ServiceTokens.WriteHeader, ServiceTokens.Create(TestServiceKeys.WriteKey, Service + "Search", now));
        });

        var refused = await Assert.ThrowsAsync<RpcException>(() => replayed.UpsertDocumentsAsync(Batch("replayed"), Cancel).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        await AssertNotStoredAsync("replayed");
    }

    [Theory]
    [InlineData(-600)]
    [InlineData(600)]
    public async Task ATokenOutsideTheClockWindowIsRefused(int secondsAway)
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(secondsAway);
        var stale = Client(headers => headers.Add(ServiceTokens.CallHeader, ServiceTokens.Create(TestServiceKeys.CallKey, Service + "Search", at)));

        var refused = await Assert.ThrowsAsync<RpcException>(() => stale.SearchAsync(new RetrieveRequest { Query = "ferry" }, Cancel).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("outside the 60 s window", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("123.%%%")]
    [InlineData(".abc")]
    public async Task AMalformedTokenIsUnauthenticated(string token)
    {
        var malformed = Client(headers => headers.Add(ServiceTokens.CallHeader, token));

        var refused = await Assert.ThrowsAsync<RpcException>(() => malformed.SearchAsync(new RetrieveRequest { Query = "ferry" }, Cancel).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task HealthChecksNeedNoToken()
    {
        var reply = await new global::Grpc.Health.V1.Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = "live" }, cancellationToken: Cancel);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task TheGatewaysTokensWrite()
    {
        var written = await host.Client.UpsertDocumentsAsync(Batch("signed-write"), Cancel);

        Assert.Equal(1, written.Accepted);
        var found = await host.Client.SearchAsync(new RetrieveRequest { Query = "quillophone pellworm" }, Cancel);
        Assert.Contains(found.Passages, p => p.Passage.DocumentId == "signed-write");
    }

    private RetrievalClient Client(Interceptor interceptor) => new(host.Channel.CreateCallInvoker().Intercept(interceptor));

    private RetrievalClient Client(Action<Metadata> add) => new(host.Channel.CreateCallInvoker().Intercept(headers =>
    {
        add(headers);
        return headers;
    }));

    private async Task AssertNotStoredAsync(string id)
    {
        var found = await host.Client.SearchAsync(new RetrieveRequest { Query = "quillophone pellworm" }, Cancel);
        Assert.DoesNotContain(found.Passages, p => p.Passage.DocumentId == id);
    }

    private static Document Document(string id) =>
        new() { Id = id, Title = "Quillophone", Text = "The quillophone was first played on the Pellworm ferry in 1911.", Lang = "en" };

    private static UpsertDocumentsRequest Batch(string id) => new() { Documents = { Document(id) } };
}
