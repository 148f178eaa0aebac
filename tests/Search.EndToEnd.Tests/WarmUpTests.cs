using Grpc.Core;
using Grpc.Net.Client;
using Search.Contracts.V1;

namespace Search.EndToEnd.Tests;

/// <summary>
/// Warming up is not traffic: a cluster started as the launcher starts it (every service ready, so every warm-up
/// done) has nothing in its query log, so nothing in the review console's queues, until someone searches.
/// </summary>
public sealed class WarmUpTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task OnceTheClusterIsReadyTheQueryLogHoldsOnlyWhatSomeoneAsked()
    {
        var ct = TestContext.Current.CancellationToken;
        const string question = "Who tuned the zolvarin bells?";
        using var searched = await fixture.Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(question), ct);
        searched.EnsureSuccessStatusCode();

        // The log is written in order, off the request path: once this search is in it, whatever came before is too.
        using var channel = GrpcChannel.ForAddress(fixture.Cluster.GatewayGrpcAddress);
        var review = new Review.ReviewClient(channel);
        var key = new Metadata { { "x-api-key", fixture.Cluster.ReviewApiKey } };
        var until = DateTime.UtcNow.AddSeconds(20);
        ReviewQueues queues;
        do
        {
            queues = await review.ListQueuesAsync(new ListQueuesRequest { Limit = 200 }, key, cancellationToken: ct);
            if (queues.Abstained.Count > 0)
            {
                break;
            }

            await Task.Delay(100, ct);
        }
        while (DateTime.UtcNow < until);

        // The index is empty, so the question got no box: "asked without an answer", and asked once.
        var asked = Assert.Single(queues.Abstained.Concat(queues.LowConfidence));
        Assert.Equal(question, asked.Query, ignoreCase: true);
        Assert.Equal(1, asked.Count);
    }
}
