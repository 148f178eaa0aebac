using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// What a request cost each service, carried out to the caller: the gateway's own CPU first, then what each stage
/// reported in its <c>cpu-us</c> trailer (here scripted by <see cref="FakeStages"/>), over gRPC, REST, the stream and
/// the gateway's Retrieve; a response another request computed costs only the gateway's part.
/// </summary>
public sealed class CostTests : IAsyncLifetime
{
    private const string Question = "Who patented the telephone?";
    private FakeStages _stages = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stages = await FakeStages.StartAsync(Cancel);
        _stages.Passages = [FakeStages.TelephonePassage()];
        _stages.UnaryAnswer = new Rpc.AnswerResponse { Shown = false };
        _stages.CpuMicros["router"] = 1_500;
        _stages.CpuMicros["retrieval"] = 2_250;
        _stages.CpuMicros["rerank"] = 3_000;
        _stages.CpuMicros["answer"] = 4_125;
    }

    public async ValueTask DisposeAsync() => await _stages.DisposeAsync();

    [Fact]
    public async Task TheGrpcResponseCarriesTheGatewaysCpuThenEachStagesReportedCpu()
    {
        Assert.SkipUnless(ThreadCpuClock.IsSupported, "no per-thread CPU clock on this platform");
        await using var gateway = Gateway();
        using var channel = Channel(gateway);

        var response = await channel.CreateCallInvoker().AsyncUnaryCall(
            SearchMethod, null, new CallOptions(cancellationToken: Cancel), new Rpc.SearchRequest { Query = Question });

        Assert.Equal(["gateway", "router", "retrieval", "rerank", "answer"], response.Costs.Select(c => c.Stage));
        Assert.True(response.Costs[0].CpuMs > 0, "the gateway's own CPU was not counted");
        Assert.Equal([1.5, 2.25, 3.0, 4.125], response.Costs.Skip(1).Select(c => c.CpuMs));
    }

    [Fact]
    public async Task TheRestJsonShowsTheCostsAndLeavesOutAStageThatReportedNone()
    {
        Assert.SkipUnless(ThreadCpuClock.IsSupported, "no per-thread CPU clock on this platform");
        _stages.CpuMicros.TryRemove("rerank", out _);
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/search?q=" + Uri.EscapeDataString(Question), Cancel));

        var costs = json.RootElement.GetProperty("costs").EnumerateArray()
            .Select(c => (Stage: c.GetProperty("stage").GetString(), CpuMs: c.GetProperty("cpu_ms").GetDouble())).ToList();
        Assert.Equal(["gateway", "router", "retrieval", "answer"], costs.Select(c => c.Stage));
        Assert.True(costs[0].CpuMs > 0);
        Assert.Equal([1.5, 2.25, 4.125], costs.Skip(1).Select(c => c.CpuMs));
    }

    [Fact]
    public async Task AResponseAnotherRequestComputedCostsOnlyTheGatewaysPart()
    {
        Assert.SkipUnless(ThreadCpuClock.IsSupported, "no per-thread CPU clock on this platform");
        _stages.RetrievalGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Retrieval is held while the second request joins: its budget must outlast the hold.
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();

        var first = http.GetStringAsync("/api/search?q=" + Uri.EscapeDataString(Question), Cancel);
        await WaitUntil(() => _stages.Retrievals == 1);
        var second = http.GetStringAsync("/api/search?q=" + Uri.EscapeDataString(Question), Cancel);
        // The second joins the running search (no Redis here: coalescing alone); give it time to, then let retrieval answer.
        await Task.Delay(2000, Cancel);
        _stages.RetrievalGate.SetResult();
        using var computed = JsonDocument.Parse(await first);
        using var joined = JsonDocument.Parse(await second);

        Assert.Equal(1, _stages.Retrievals);
        Assert.False(computed.RootElement.GetProperty("cached").GetBoolean());
        Assert.Equal(["gateway", "router", "retrieval", "rerank", "answer"], Stages(computed));
        Assert.True(joined.RootElement.GetProperty("cached").GetBoolean());
        Assert.Equal(["gateway"], Stages(joined));
    }

    [Fact]
    public async Task TheStreamedAnswerEventCarriesWhatTheWholeStreamedSearchCost()
    {
        Assert.SkipUnless(ThreadCpuClock.IsSupported, "no per-thread CPU clock on this platform");
        _stages.AnswerEvents = [new Rpc.AnswerStreamEvent { Result = new Rpc.AnswerStreamResult { FallbackReason = "no endpoint", Extractive = _stages.UnaryAnswer } }];
        await using var gateway = Gateway();
        using var channel = Channel(gateway);

        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(
            StreamMethod, null, new CallOptions(cancellationToken: Cancel), new Rpc.SearchRequest { Query = Question });
        var events = await call.ResponseStream.ReadAllAsync(Cancel).ToListAsync(Cancel);

        Assert.Empty(events[0].Results.Costs);
        var costs = events[^1].Answer.Costs;
        Assert.Equal(["gateway", "router", "retrieval", "rerank", "answer"], costs.Select(c => c.Stage));
        Assert.Equal(4.125, costs[^1].CpuMs);
    }

    [Fact]
    public async Task TheGatewaysRetrieveReturnsItsAndRetrievalsCpuInTheTrailers()
    {
        Assert.SkipUnless(ThreadCpuClock.IsSupported, "no per-thread CPU clock on this platform");
        await using var gateway = Gateway();
        using var channel = Channel(gateway);

        using var call = channel.CreateCallInvoker().AsyncUnaryCall(
            RetrieveMethod, null, new CallOptions(cancellationToken: Cancel), new Rpc.RetrieveRequest { Query = "telephone patent", TopK = 10 });
        var response = await call.ResponseAsync;
        var trailers = call.GetTrailers();

        Assert.Single(response.Passages);
        Assert.Equal("2250", trailers.GetValue("cpu-us-retrieval"));
        Assert.True(long.Parse(trailers.GetValue("cpu-us-gateway")!, CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task TheMetricsHaveTheCpuOfEachAnsweredQueryAndOfEachPlainSearch()
    {
        Assert.SkipUnless(ThreadCpuClock.IsSupported, "no per-thread CPU clock on this platform");
        await using var gateway = Gateway();
        using var http = gateway.CreateClient();
        using var channel = Channel(gateway);
        await http.GetStringAsync("/api/search?q=" + Uri.EscapeDataString(Question), Cancel);
        await channel.CreateCallInvoker().AsyncUnaryCall(
            RetrieveMethod, null, new CallOptions(cancellationToken: Cancel), new Rpc.RetrieveRequest { Query = "telephone patent", TopK = 10 });

        var lines = (await gateway.GetOnPortAsync("/metrics", IsolatedGateway.MetricsPort, Cancel)).Body.Split('\n');

        Assert.Contains(lines, l => l.StartsWith("search_cpu_milliseconds_count{", StringComparison.Ordinal)
            && l.Contains("call=\"search\"", StringComparison.Ordinal) && l.Contains("served_by=\"pipeline\"", StringComparison.Ordinal)
            && l.Contains("answered=\"true\"", StringComparison.Ordinal) && ValueOf(l) == "1");
        Assert.Contains(lines, l => l.StartsWith("search_cpu_milliseconds_count{", StringComparison.Ordinal)
            && l.Contains("call=\"retrieve\"", StringComparison.Ordinal) && ValueOf(l) == "1");
        Assert.Contains(lines, l => l.StartsWith("search_stage_cpu_milliseconds_sum{", StringComparison.Ordinal)
            && l.Contains("stage=\"answer\"", StringComparison.Ordinal) && ValueOf(l) == "4.125");
    }

    /// <summary>
    /// A gateway on the scripted stages with budgets no loaded machine reaches: a stage degraded for time would drop
    /// its cost from the list. Retrieval's outlasts the hold in the coalescing test.
    /// </summary>
    private IsolatedGateway Gateway() => _stages.Gateway(
        ("Gateway:RequestTimeoutMs", "60000"),
        ("Gateway:RouterTimeoutMs", "20000"),
        ("Gateway:RetrievalTimeoutMs", "30000"),
        ("Gateway:RerankTimeoutMs", "20000"),
        ("Gateway:AnswerTimeoutMs", "20000"),
        ("Gateway:AnswerStreamTimeoutMs", "20000"));

    /// <summary>The sample's value: after the labels, before any timestamp.</summary>
    private static string ValueOf(string sample) => sample[(sample.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];

    private static List<string?> Stages(JsonDocument json) =>
        json.RootElement.GetProperty("costs").EnumerateArray().Select(c => c.GetProperty("stage").GetString()).ToList();

    private static GrpcChannel Channel(IsolatedGateway gateway) =>
        GrpcChannel.ForAddress(gateway.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = gateway.Server.CreateHandler() });

    private static async Task WaitUntil(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, Cancel);
        }
    }

    private static readonly Method<Rpc.SearchRequest, Rpc.SearchResponse> SearchMethod =
        GrpcMethods.Unary<Rpc.SearchRequest, Rpc.SearchResponse>(Rpc.Gateway.Descriptor, "Search");

    private static readonly Method<Rpc.SearchRequest, Rpc.SearchStreamEvent> StreamMethod =
        GrpcMethods.ServerStreaming<Rpc.SearchRequest, Rpc.SearchStreamEvent>(Rpc.Gateway.Descriptor, "SearchStream");

    private static readonly Method<Rpc.RetrieveRequest, Rpc.RetrieveResponse> RetrieveMethod =
        GrpcMethods.Unary<Rpc.RetrieveRequest, Rpc.RetrieveResponse>(Rpc.Gateway.Descriptor, "Retrieve");
}
