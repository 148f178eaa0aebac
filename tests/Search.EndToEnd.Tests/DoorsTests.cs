using System.Net;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Search.Contracts.V1;
using Search.Hosting;
using Search.TestKit;

namespace Search.EndToEnd.Tests;

/// <summary>
/// Only the gateway is a door: the whole cluster as real processes with the keys the launcher made for it, real
/// gRPC to each back service's own port, the real redis-server with its password and memory bound.
/// </summary>
public sealed class DoorsTests(CacheClusterFixture fixture) : IClassFixture<CacheClusterFixture>
{
    private static readonly ServiceDescriptor RetrievalService = RetrievalReflection.Descriptor.Services.Single(s => s.Name == "Retrieval");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private LocalCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task AWriteSentStraightToRetrievalsPortIsRefusedAndStoresNothing()
    {
        using var channel = GrpcChannel.ForAddress(Cluster["Retrieval"].GrpcAddress);
        var upsert = GrpcMethods.Unary<UpsertDocumentsRequest, IngestResponse>(RetrievalService, "UpsertDocuments");
        var delete = GrpcMethods.Unary<DeleteDocumentsRequest, DeleteDocumentsResponse>(RetrievalService, "DeleteDocuments");
        var document = new UpsertDocumentsRequest
        {
            Documents = { new Document { Id = "side-door", Text = "The side door lantern was lit by Greta Voss in 1920.", Lang = "en" } },
        };
        await fixture.IngestAsync("front-door", "The front door bell was cast by Ivo Marek in 1899.", Cancel);

        var anonymous = channel.CreateCallInvoker();
        // Someone holding only the call key (any back service has it) still cannot write.
        var callKeyOnly = channel.CreateCallInvoker().Intercept(new ServiceTokenInterceptor(Cluster.Keys.CallKey, null, TimeProvider.System));
        var noToken = await Assert.ThrowsAsync<RpcException>(() => anonymous.AsyncUnaryCall(upsert, null, Options(), document).ResponseAsync);
        var noWriteToken = await Assert.ThrowsAsync<RpcException>(() => callKeyOnly.AsyncUnaryCall(upsert, null, Options(), document).ResponseAsync);
        var deleteRefused = await Assert.ThrowsAsync<RpcException>(() =>
            anonymous.AsyncUnaryCall(delete, null, Options(), new DeleteDocumentsRequest { DocumentIds = { "front-door" } }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, noToken.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, noWriteToken.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, deleteRefused.StatusCode);
        Assert.DoesNotContain("side-door", (await fixture.AskAsync("Who lit the side door lantern?", Cancel)).Ids);
        Assert.Contains("front-door", (await fixture.AskAsync("Who cast the front door bell?", Cancel)).Ids);
    }

    [Theory]
    [InlineData("Router", "search.v1.Router", "Route")]
    [InlineData("Retrieval", "search.v1.Retrieval", "Search")]
    [InlineData("Retrieval", "search.v1.Retrieval", "GetStats")]
    [InlineData("Rerank", "search.v1.Rerank", "Rerank")]
    [InlineData("Answer", "search.v1.Answer", "Answer")]
    public async Task EveryBackServiceRefusesACallWithoutTheGatewaysToken(string service, string grpcService, string method)
    {
        using var channel = GrpcChannel.ForAddress(Cluster[service].GrpcAddress);
        // The empty message is valid for every request type: the refusal is about who calls, not what.
        var call = new Method<byte[], byte[]>(MethodType.Unary, grpcService, method, Bytes, Bytes);

        var refused = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(call, null, Options(), []).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("takes calls from the gateway only", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheGatewayHoldingTheKeysWritesAndSearchesEndToEnd()
    {
        await fixture.IngestAsync("door-gateway", "The harbour gate was painted by Lise Aune in 1931.", Cancel);

        var found = await fixture.AskAsync("Who painted the harbour gate?", Cancel);

        Assert.Equal("door-gateway", found.Ids[0]);
        Assert.Contains("Lise Aune", found.Answer ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServicesRunAsProductionAndTheKeysAreNotOnTheirCommandLines()
    {
        foreach (var name in LocalCluster.ServiceNames)
        {
            var pid = Cluster[name].ProcessId!.Value;
            var environment = (await File.ReadAllTextAsync($"/proc/{pid}/environ", Cancel)).Split('\0');
            var commandLine = await File.ReadAllTextAsync($"/proc/{pid}/cmdline", Cancel);

            Assert.Contains("ASPNETCORE_ENVIRONMENT=Production", environment);
            Assert.Contains($"{ServiceKeys.CallKeyVariable}={Cluster.Keys.CallKey}", environment);
            // Only the gateway and retrieval hold the write key.
            Assert.Equal(name is "Gateway" or "Retrieval", environment.Contains($"{ServiceKeys.WriteKeyVariable}={Cluster.Keys.WriteKey}"));
            Assert.DoesNotContain(Cluster.Keys.CallKey, commandLine, StringComparison.Ordinal);
            Assert.DoesNotContain(Cluster.Keys.WriteKey, commandLine, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MetricsAreServedOnlyOnTheInternalPorts()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var publicPort = await http.GetAsync($"{Cluster.GatewayHttpAddress}/metrics", Cancel);
        var page = await http.GetAsync($"{Cluster.GatewayHttpAddress}/", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, publicPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        foreach (var name in LocalCluster.ServiceNames)
        {
            var metrics = await http.GetStringAsync($"http://127.0.0.1:{Cluster.Options.Ports.MetricsPortOf(name)}/metrics", Cancel);
            Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RedisRefusesAConnectionWithoutThePassword()
    {
        fixture.RequireRedis();
        var redis = Cluster.Redis!;

        var anonymous = await redis.SendAsync("PING", Cancel);
        var wrong = await redis.SendAsync("AUTH not-the-password\r\nPING", Cancel);
        var policy = await redis.SendAsync($"AUTH {redis.Password}\r\nCONFIG GET maxmemory-policy", Cancel);

        Assert.StartsWith("-NOAUTH", anonymous, StringComparison.Ordinal);
        Assert.Contains("-WRONGPASS", wrong, StringComparison.Ordinal);
        Assert.DoesNotContain("+PONG", wrong, StringComparison.Ordinal);
        Assert.True(await redis.PingAsync(Cancel));
        Assert.Contains(RedisProcess.MemoryPolicy, policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFullRedisStillDropsTheAnswersOfAChangedDocument()
    {
        fixture.RequireRedis();
        var redis = Cluster.Redis!;
        const string question = "Who carved the quarry lion?";
        const string set = "search:d:door-full";
        await fixture.CacheAnswerAsync("door-full", "The quarry lion was carved by Odd Brekke in 1911.", question, Cancel);
        Assert.Contains(":1", await redis.SendAsync($"AUTH {redis.Password}\r\nEXISTS {set}", Cancel), StringComparison.Ordinal);

        // Full: every write that could grow the data set is refused (noeviction evicts nothing).
        await redis.SendAsync($"AUTH {redis.Password}\r\nCONFIG SET maxmemory 1", Cancel);
        try
        {
            Assert.Contains("-OOM", await redis.SendAsync($"AUTH {redis.Password}\r\nSET door-probe x", Cancel), StringComparison.Ordinal);
            await fixture.IngestAsync("door-full", "The quarry lion was carved by Siri Dahl in 1911.", Cancel);

            // The invalidation ran in Redis itself, so no other gateway can read the old answer either.
            Assert.Contains(":0", await redis.SendAsync($"AUTH {redis.Password}\r\nEXISTS {set}", Cancel), StringComparison.Ordinal);
            var updated = await fixture.AskAsync(question, Cancel);
            Assert.False(updated.Cached);
            Assert.Contains("Siri Dahl", updated.Answer ?? "", StringComparison.Ordinal);
            // Nothing new is stored while Redis is full: answers come uncached, never stale.
            Assert.False((await fixture.AskAsync(question, Cancel)).Cached);
        }
        finally
        {
            await redis.SendAsync($"AUTH {redis.Password}\r\nCONFIG SET maxmemory {RedisProcess.DefaultMaxMemory}", Cancel);
        }
    }

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static CallOptions Options() => new(deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: Cancel);
}
