using System.Globalization;
using Search.TestKit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Deploy.Tests;

/// <summary>
/// k8s/overlays/local run as written, by <c>podman kube play</c> (deploy/kube-play.sh, make kube-up): one pod per
/// workload of the overlay, under its own names and free loopback ports, removed with its volumes afterwards.
/// </summary>
[Collection(Podman.Collection)]
public sealed class KubePlayTests
{
    [Fact]
    public async Task TheLocalOverlayRunsUnderPodmanKubePlayAndAnswersADemoQuestion()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var image in Podman.Images)
        {
            Podman.RequireImage(image);
        }

        Prerequisite.Require(File.Exists(Kustomize.Kubectl), $"{Kustomize.Kubectl} is missing: run tools/install-deps.sh test");
        Prerequisite.Require(Directory.Exists(Path.Combine(RepoLayout.Root, "tools", "k8s-schema", "node_modules", "yaml")),
            "tools/k8s-schema/node_modules is missing: run tools/install-deps.sh test");
        // Not "search-kube-…": deploy/kube-play.sh down removes what starts with its prefix, and make kube-down's is search-kube.
        var name = $"search-test-kube-{Environment.ProcessId}";
        var ports = LoopbackPorts.Free(2);
        var environment = new Dictionary<string, string>
        {
            ["SEARCH_KUBE_NAME"] = name,
            ["SEARCH_KUBE_HTTP_PORT"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["SEARCH_KUBE_GRPC_PORT"] = ports[1].ToString(CultureInfo.InvariantCulture),
            ["VOLUMES"] = "1",
        };
        var workloads = Manifests.Read(Kustomize.Render("local")).Workloads.Select(w => w.Name.Split('/')[1]).ToList();
        try
        {
            await Podman.RunScriptAsync("kube-play.sh", ["up"], environment);

            // Every Deployment and StatefulSet of the overlay runs as a pod (the script translates what podman
            // cannot play as written; a workload it dropped would be missing here).
            var pods = Podman.Run(["pod", "ls", "--filter", $"name=^{name}-", "--format", "{{.Name}} {{.Status}}"]).Succeeded()
                .Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equivalent(workloads.Select(w => $"{name}-{w}-pod-0 Running"), pods, strict: true);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}"), Timeout = TimeSpan.FromSeconds(30) };
            var root = await ContainerClusterFixture.SearchAsync(http, "Who developed the theory of general relativity?", ct);
            Assert.Equal("en-general-relativity", root.GetProperty("results")[0].GetProperty("document_id").GetString());
            Assert.Contains("Einstein", root.GetProperty("answer").GetProperty("text").GetString(), StringComparison.Ordinal);
            // The gateway's gRPC port as the manifests' readiness probe asks it, through every stage's Service name.
            Assert.Equal(ServingStatus.Serving, await Podman.GrpcHealthAsync(ports[1], "", ct));
        }
        finally
        {
            await Podman.RunScriptAsync("kube-play.sh", ["down"], environment);
        }

        Assert.Empty(Podman.Run(["pod", "ls", "--filter", $"name=^{name}-", "--format", "{{.Name}}"]).Succeeded().Output.Trim());
        Assert.Empty(Podman.Run(["volume", "ls", "--filter", $"name=^{name}-", "--format", "{{.Name}}"]).Succeeded().Output.Trim());
        Assert.False(Podman.Run(["network", "exists", name]).ExitCode == 0, $"network {name} is left");
    }
}
