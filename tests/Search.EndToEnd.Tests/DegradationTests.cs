using System.Net;
using System.Text.Json;
using Search.Contracts.V1;

namespace Search.EndToEnd.Tests;

/// <summary>A small corpus in a cluster whose services these tests stop on purpose.</summary>
public sealed class FaultClusterFixture : ClusterFixture
{
    public const string Question = "Who invented the quillophone?";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Client.UpsertAsync(
        [
            new Document { Id = "quill", Title = "Quillophone", Text = "The quillophone was invented by Marta Ellingsen in 1911. It is played with feathers." },
            new Document { Id = "other", Title = "Harp", Text = "The harp is a string instrument played by plucking." },
        ]);
    }

    /// <summary>After a restart the gateway uses the service again within seconds (reconnect back-off is capped at 2 s).</summary>
    public async Task AssertRecoversAsync(CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        var last = "";
        do
        {
            try
            {
                var response = await Client.SearchAsync(Question, cancellationToken: ct);
                if (response.Degraded.Count == 0)
                {
                    return;
                }

                last = "degraded: " + string.Join(", ", response.Degraded);
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable)
            {
                // Retrieval was restarted and the gateway's channel is still backing off.
                last = e.Status.Detail;
            }

            await Task.Delay(250, ct);
        }
        while (DateTime.UtcNow < until);

        Assert.Fail($"not recovered 20 s after the restart: {last}");
    }
}

/// <summary>The degradation matrix, each row proven with a real stopped process.</summary>
public sealed class DegradationTests(FaultClusterFixture fixture) : IClassFixture<FaultClusterFixture>
{
    [Theory]
    [InlineData("Router")]
    [InlineData("Rerank")]
    [InlineData("Answer")]
    public async Task AStoppedOptionalStageDegradesTheResponseInsteadOfFailingIt(string service)
    {
        var ct = TestContext.Current.CancellationToken;
        fixture.Cluster[service].Kill();
        try
        {
            var response = await fixture.Client.SearchAsync(FaultClusterFixture.Question, includeAbstained: true, cancellationToken: ct);

            Assert.Equal([service.ToLowerInvariant()], response.Degraded);
            Assert.Equal("quill", response.Results[0].DocumentId);
            if (service == "Answer")
            {
                Assert.Null(response.Answer);
                Assert.Null(response.AbstainedAnswer);
            }

            using var rest = await fixture.Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(FaultClusterFixture.Question), ct);
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        }
        finally
        {
            await fixture.Cluster.RestartAsync(service, ct);
        }

        await fixture.AssertRecoversAsync(ct);
    }

    [Fact]
    public async Task AStoppedRetrievalFailsTheRequestWith503AndAMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        fixture.Cluster["Retrieval"].Kill();
        try
        {
            using var rest = await fixture.Http.GetAsync("/api/search?q=quillophone", ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, rest.StatusCode);
            using var json = JsonDocument.Parse(await rest.Content.ReadAsStringAsync(ct));
            Assert.Contains("retrieval", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

            var e = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => fixture.Client.SearchAsync("quillophone", cancellationToken: ct));
            Assert.Equal(Grpc.Core.StatusCode.Unavailable, e.StatusCode);
        }
        finally
        {
            await fixture.Cluster.RestartAsync("Retrieval", ct);
        }

        // The acknowledged documents were committed, so they are still there after the crash.
        await fixture.AssertRecoversAsync(ct);
        var after = await fixture.Client.SearchAsync("quillophone", cancellationToken: ct);
        Assert.Equal("quill", after.Results[0].DocumentId);
    }
}
