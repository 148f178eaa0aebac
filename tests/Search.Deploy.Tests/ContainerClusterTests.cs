using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Search.TestKit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Deploy.Tests;

/// <summary>
/// The cluster in containers as <c>make up</c> starts it (deploy/up.sh), under its own names and free loopback
/// ports, torn down with its index volume afterwards (deploy/down.sh).
/// </summary>
public sealed class ContainerClusterFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string> environment = new()
    {
        ["SEARCH_UP_NAME"] = $"search-test-{Environment.ProcessId}",
        ["VOLUMES"] = "1",
    };

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The gateway's gRPC port on 127.0.0.1.</summary>
    public int GrpcPort { get; private set; }

    /// <summary>What deploy/up.sh printed.</summary>
    public string UpOutput { get; private set; } = "";

    public static IReadOnlyList<string> Services { get; } = ["redis", "router", "retrieval", "rerank", "answer", "gateway"];

    public string ApiKey { get; } = RepoLayout.DevelopmentApiKey();

    public string Container(string service) => $"{environment["SEARCH_UP_NAME"]}-{service}";

    public async ValueTask InitializeAsync()
    {
        foreach (var image in Podman.Images)
        {
            Podman.RequireImage(image);
        }

        var ports = LoopbackPorts.Free(2);
        environment["SEARCH_UP_HTTP_PORT"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["SEARCH_UP_GRPC_PORT"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture);
        GrpcPort = ports[1];
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}"), Timeout = TimeSpan.FromSeconds(30) };
        UpOutput = await Podman.RunScriptAsync("up.sh", [], environment);
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await Podman.RunScriptAsync("down.sh", [], environment);
    }

    /// <summary>
    /// After a container of <paramref name="service"/> was started again: waits until it passes its own health
    /// check, then until the gateway answers a search through every stage again (its channels reconnect with backoff).
    /// </summary>
    public async Task WaitUntilRecoveredAsync(string service, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (Podman.Run(["healthcheck", "run", Container(service)]).ExitCode != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Container(service)} did not become healthy within 180 s");
            await Task.Delay(500, ct);
        }

        var last = "no answer";
        for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
        {
            using var response = await Http.GetAsync($"/api/search?q=recovery+check+{service}+{attempt}", ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            last = $"{response.StatusCode}: {body}";
            if (response.IsSuccessStatusCode && JsonDocument.Parse(body).RootElement.GetProperty("degraded").GetArrayLength() == 0)
            {
                return;
            }

            await Task.Delay(1000, ct);
        }

        Assert.Fail($"the cluster did not recover from a restart of {service} within 180 s: {last}");
    }

    /// <summary>
    /// GET /api/search until it answers 200 and <paramref name="until"/> holds (default: no stage degraded), for up to
    /// 60 s: on a shared 2-core machine a stage can miss its deadline now and then; degraded answers are not cached.
    /// </summary>
    public Task<JsonElement> SearchAsync(string question, CancellationToken ct, Func<JsonElement, bool>? until = null) =>
        SearchAsync(Http, question, ct, until);

    /// <inheritdoc cref="SearchAsync(string, CancellationToken, Func{JsonElement, bool}?)"/>
    public static async Task<JsonElement> SearchAsync(HttpClient http, string question, CancellationToken ct, Func<JsonElement, bool>? until = null)
    {
        until ??= root => root.GetProperty("degraded").GetArrayLength() == 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString(question), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            last = $"{response.StatusCode}: {body}";
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(body);
                if (until(json.RootElement))
                {
                    return json.RootElement.Clone();
                }
            }

            await Task.Delay(1000, ct);
        }

        Assert.Fail($"no search for '{question}' answered as expected within 60 s; the last: {last}");
        return default;
    }
}

[Collection(Podman.Collection)]
public sealed class ContainerClusterTests(ContainerClusterFixture cluster) : IClassFixture<ContainerClusterFixture>
{
    private const string Question = "Who developed the theory of general relativity?";

    [Fact]
    public async Task ADemoQuestionIsAnsweredWithAnAnswerBox()
    {
        var root = await cluster.SearchAsync(Question, TestContext.Current.CancellationToken);

        Assert.Equal("en-general-relativity", root.GetProperty("results")[0].GetProperty("document_id").GetString());
        Assert.Empty(root.GetProperty("degraded").EnumerateArray());
        Assert.Contains("Einstein", root.GetProperty("answer").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryContainerIsHealthyAfterUpWithoutAHealthTimer()
    {
        // podman 4.3 puts a health check's timer in systemd, which this machine lacks: up.sh starts the checks
        // without one (no error printed) and runs each until it passes, so the status is healthy, not "starting".
        Assert.DoesNotContain("systemd", cluster.UpOutput, StringComparison.Ordinal);
        foreach (var service in ContainerClusterFixture.Services)
        {
            var status = Podman.Run(["container", "inspect", "--format", "{{.State.Health.Status}}", cluster.Container(service)]).Succeeded();
            Assert.True(status.Output.Trim() == "healthy", $"{cluster.Container(service)}: {status.Output.Trim()}");
        }
    }

    [Fact]
    public async Task TheReviewConsoleOpensWithTheReviewKeyAndNotWithTheIngestKey()
    {
        var ct = TestContext.Current.CancellationToken;

        async Task<HttpStatusCode> QueuesAsync(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/review/queues");
            request.Headers.Add("X-Api-Key", key);
            using var response = await cluster.Http.SendAsync(request, ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await QueuesAsync(RepoLayout.DevelopmentReviewKey()));
        Assert.Equal(HttpStatusCode.Forbidden, await QueuesAsync(cluster.ApiKey));
    }

    [Fact]
    public async Task TheGatewaysGrpcHealthIsServingOnItsPublishedPort()
    {
        var ct = TestContext.Current.CancellationToken;

        // Its readiness ("") includes its stages, which run; "live" is the process alone.
        Assert.Equal(ServingStatus.Serving, await Podman.GrpcHealthAsync(cluster.GrpcPort, "", ct));
        Assert.Equal(ServingStatus.Serving, await Podman.GrpcHealthAsync(cluster.GrpcPort, "live", ct));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Podman.GrpcHealthAsync(cluster.GrpcPort, "no-such-service", ct));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task AnIngestedDocumentIsAnsweredAndSurvivesARestartOfTheRetrievalContainer()
    {
        var ct = TestContext.Current.CancellationToken;
        const string document = """{"id":"container-quill","title":"The quillophone","text":"The quillophone is a wind instrument invented by Marta Oyelaran in 1911 in Lagos. It is played with a reed made of feathers.","lang":"en"}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents")
        {
            Content = new StringContent(document + "\n", Encoding.UTF8, "application/x-ndjson"),
        };
        request.Headers.Add("X-Api-Key", cluster.ApiKey);
        using var ingested = await cluster.Http.SendAsync(request, ct);
        Assert.True(ingested.IsSuccessStatusCode, await ingested.Content.ReadAsStringAsync(ct));

        var before = await cluster.SearchAsync("Who invented the quillophone?", ct);
        Assert.Equal("container-quill", before.GetProperty("results")[0].GetProperty("document_id").GetString());
        Assert.Contains("Marta Oyelaran", before.GetProperty("answer").GetProperty("text").GetString(), StringComparison.Ordinal);

        // A new retrieval container on the same volume: the index is on search-*-index, not in the container.
        Podman.Run(["restart", "--time", "10", cluster.Container("retrieval")]).Succeeded();
        await cluster.WaitUntilRecoveredAsync("retrieval", ct);

        var after = await cluster.SearchAsync("Who invented the quillophone? (again)", ct);
        Assert.Equal("container-quill", after.GetProperty("results")[0].GetProperty("document_id").GetString());
    }

    [Theory]
    [InlineData("rerank")]
    [InlineData("answer")]
    public async Task AKilledOptionalStageDegradesTheSearchInsteadOfFailingIt(string service)
    {
        var ct = TestContext.Current.CancellationToken;
        Podman.Run(["kill", cluster.Container(service)]).Succeeded();
        try
        {
            // A question not asked before, so the answer cache cannot hide the missing stage.
            var root = await cluster.SearchAsync($"Who developed general relativity, without {service}?", ct,
                r => r.GetProperty("degraded").EnumerateArray().Any(d => d.GetString() == service));

            Assert.NotEqual(0, root.GetProperty("results").GetArrayLength());
        }
        finally
        {
            Podman.Run(["start", cluster.Container(service)]).Succeeded();
        }

        await cluster.WaitUntilRecoveredAsync(service, ct);
        var recovered = await cluster.SearchAsync($"Who developed general relativity after {service} came back?", ct);
        Assert.Equal("en-general-relativity", recovered.GetProperty("results")[0].GetProperty("document_id").GetString());
    }

    [Fact]
    public async Task AKilledRetrievalFailsTheSearchWith503()
    {
        var ct = TestContext.Current.CancellationToken;
        Podman.Run(["kill", cluster.Container("retrieval")]).Succeeded();
        try
        {
            using var response = await cluster.Http.GetAsync("/api/search?q=" + Uri.EscapeDataString("quillophone without retrieval"), ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        finally
        {
            Podman.Run(["start", cluster.Container("retrieval")]).Succeeded();
        }

        await cluster.WaitUntilRecoveredAsync("retrieval", ct);
    }
}
