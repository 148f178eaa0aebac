using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Search.Gateway.Grpc;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// dns:/// stage addresses (Kubernetes headless Services): accepted by the options, balanced round-robin over h2c,
/// and a real gateway host reaches its stages through them.
/// </summary>
public sealed class StageChannelsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://127.0.0.1:5101", true)]
    [InlineData("https://router.internal:5101", true)]
    [InlineData("dns:///router:5101", true)]
    [InlineData("dns:///router.search.svc.cluster.local:5101", true)]
    [InlineData("dns:///router", false)]
    [InlineData("router:5101", false)]
    [InlineData("ftp://router:5101", false)]
    public void StageAddressesAreHttpOrDnsWithAPort(string address, bool valid)
    {
        var options = new GatewayOptions { RouterAddress = address };
        var results = new List<ValidationResult>();

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.All(results, r => Assert.Contains("dns:///", r.ErrorMessage, StringComparison.Ordinal));
    }

    [Fact]
    public void ADnsAddressIsBalancedRoundRobinOverPlainHttp2()
    {
        var channel = new GrpcChannelOptions();

        StageChannels.Configure(channel, new Uri("dns:///router:5101"));

        Assert.Same(ChannelCredentials.Insecure, channel.Credentials);
        Assert.IsType<RoundRobinConfig>(Assert.Single(channel.ServiceConfig!.LoadBalancingConfigs));
        Assert.Equal(TimeSpan.FromSeconds(2), channel.MaxReconnectBackoff);
    }

    [Fact]
    public void AnHttpAddressKeepsTheDefaultChannel()
    {
        var channel = new GrpcChannelOptions();

        StageChannels.Configure(channel, new Uri("http://127.0.0.1:5101"));

        Assert.Null(channel.ServiceConfig);
        Assert.Null(channel.Credentials);
    }

    [Fact]
    public async Task AGatewayReachesEveryStageThroughDnsAddresses()
    {
        await using var stages = await FakeStages.StartAsync(Cancel);
        stages.Passages = [new Rpc.ScoredPassage
        {
            Passage = new Rpc.Passage { PassageId = "doc-0#0", DocumentId = "doc-0", Title = "Doc", Text = "The telephone was patented by Bell.", Language = Rpc.Language.En },
            Score = 1,
            RetrievalScore = 1,
        }];
        var dns = "dns:///localhost:" + new Uri(stages.Address).Port;
        await using var gateway = stages.Gateway(
            ("Gateway:RouterAddress", dns), ("Gateway:RetrievalAddress", dns), ("Gateway:RerankAddress", dns), ("Gateway:AnswerAddress", dns));
        using var http = gateway.CreateClient();

        using var response = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString("Who patented the telephone?"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Empty(json.RootElement.GetProperty("degraded").EnumerateArray());
        Assert.All(new[] { "router", "retrieval", "rerank", "answer" }, stage => Assert.True(stages.Calls.GetValueOrDefault(stage) > 0, $"{stage} was not called"));
    }
}
