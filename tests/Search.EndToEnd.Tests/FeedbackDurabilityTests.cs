using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Search.Contracts.V1;

namespace Search.EndToEnd.Tests;

/// <summary>
/// Feedback in a real cluster: given over REST and gRPC on an answer the cluster returned, acknowledged, then the gateway
/// process is killed with SIGKILL and started again on the same database, which must still list both.
/// </summary>
public sealed class FeedbackDurabilityTests(FaultClusterFixture fixture) : IClassFixture<FaultClusterFixture>
{
    [Fact]
    public async Task FeedbackAcknowledgedBeforeTheGatewayIsKilledIsListedAfterItRestarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var search = await fixture.Client.SearchAsync(FaultClusterFixture.Question, includeAbstained: true, cancellationToken: ct);
        var answer = search.Answer ?? search.AbstainedAnswer;
        Assert.NotNull(answer);

        using var posted = await fixture.Http.PostAsJsonAsync("/api/feedback", new Dictionary<string, string>
        {
            ["kind"] = "wrong_answer",
            ["query"] = search.Query,
            ["answer"] = answer.Text,
            ["passage_id"] = answer.Passage.PassageId,
            ["correction"] = "Marta Ellingsen, in 1911",
        }, ct);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        using var ack = JsonDocument.Parse(await posted.Content.ReadAsStringAsync(ct));
        var restId = ack.RootElement.GetProperty("id").GetString()!;
        var grpcId = await fixture.Client.FeedbackAsync(
            new FeedbackRequest { Kind = FeedbackKind.Helpful, Query = search.Query, Answer = answer.Text, PassageId = answer.Passage.PassageId }, ct);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => fixture.Client.FeedbackAsync(new FeedbackRequest { Kind = FeedbackKind.Helpful }, ct));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);

        var gateway = fixture.Cluster["Gateway"];
        var killed = gateway.ProcessId;
        gateway.Kill();
        Assert.False(gateway.IsRunning);
        await fixture.Cluster.RestartAsync("Gateway", ct);
        Assert.NotEqual(killed, gateway.ProcessId);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/feedback");
        request.Headers.Add("X-Api-Key", fixture.Cluster.ReviewApiKey);
        using var listed = await fixture.Http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using var list = JsonDocument.Parse(await listed.Content.ReadAsStringAsync(ct));
        var entries = list.RootElement.GetProperty("feedback").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!);

        Assert.Equal([grpcId, restId], entries.Keys.ToList());
        Assert.Equal("wrong_answer", entries[restId].GetProperty("kind").GetString());
        Assert.Equal(answer.Text, entries[restId].GetProperty("answer").GetString());
        Assert.Equal(answer.Passage.PassageId, entries[restId].GetProperty("passage_id").GetString());
        Assert.Equal("Marta Ellingsen, in 1911", entries[restId].GetProperty("correction").GetString());
        Assert.Equal("helpful", entries[grpcId].GetProperty("kind").GetString());
        Assert.Equal(search.Query, entries[grpcId].GetProperty("query").GetString());
    }
}
