namespace Search.Deploy.Tests;

/// <summary>The consistency checks catch what they are for: each test plants one mistake in a rendered overlay.</summary>
public sealed class BrokenManifestTests
{
    [Fact]
    public void AConfigurationKeyNoOptionReadsFails()
    {
        var problems = Check("local", "  Gateway__RouterAddress: ", "  Gateway__RouterAdress: dns:///router:5101\n  Gateway__RouterAddress: ");

        Assert.Contains(problems, p => p.Contains("Gateway__RouterAdress", StringComparison.Ordinal) && p.Contains("reads no configuration key", StringComparison.Ordinal));
    }

    [Fact]
    public void AGatewayScrapedOnItsPublicPortFails()
    {
        var problems = Check("local", "prometheus.io/port: \"9100\"", "prometheus.io/port: \"8080\"");

        Assert.Contains(problems, p => p.Contains("Deployment/gateway", StringComparison.Ordinal) && p.Contains("only port serving /metrics", StringComparison.Ordinal));
    }

    [Fact]
    public void AWriteKeyThatIsTheCallKeyFails()
    {
        var problems = Check("production", "key: write-key", "key: call-key");

        // The first of the two holders in the rendered overlay now gets the call key twice.
        Assert.Contains(problems, p => p.Contains("ServiceAuth:WriteKey must come from a Secret of its own", StringComparison.Ordinal));
    }

    [Fact]
    public void AValueTheOptionsRejectFails()
    {
        var problems = Check("production", "  Retrieval__Elasticsearch__Urls__0: http://search-es-es-http:9200\n", "  Retrieval__Elasticsearch__Urls__0: search-es-es-http:9200\n");

        Assert.Contains(problems, p => p.Contains("Retrieval:Elasticsearch:Urls", StringComparison.Ordinal));
    }

    [Fact]
    public void AnEndpointLeftOnLoopbackFails()
    {
        var problems = Check("local", "  Kestrel__Endpoints__Grpc__Url: http://0.0.0.0:5103\n", "");

        Assert.Contains(problems, p => p.Contains("Kestrel:Endpoints:Grpc:Url", StringComparison.Ordinal) && p.Contains("rerank", StringComparison.Ordinal));
    }

    [Fact]
    public void AContainerPortThatIsNotTheEndpointsFails()
    {
        var problems = Check("local", "        - containerPort: 9104\n", "        - containerPort: 9105\n");

        Assert.Contains(problems, p => p.Contains("Deployment/answer", StringComparison.Ordinal) && p.Contains("9104", StringComparison.Ordinal));
    }

    [Fact]
    public void AProbeOnAnotherPortFails()
    {
        var problems = Check("local", "            port: 5101\n", "            port: 9101\n");

        Assert.Contains(problems, p => p.Contains("Deployment/router", StringComparison.Ordinal) && p.Contains("probe asks port 9101", StringComparison.Ordinal));
    }

    [Fact]
    public void AStageAddressThatLeadsNowhereFails()
    {
        var problems = Check("production", "  Gateway__AnswerAddress: dns:///answer:5104\n", "  Gateway__AnswerAddress: dns:///answers:5104\n");

        Assert.Contains(problems, p => p.Contains("Gateway:AnswerAddress", StringComparison.Ordinal) && p.Contains("no Service", StringComparison.Ordinal));
    }

    [Fact]
    public void AStageAddressThatPinsOnePodFails()
    {
        var problems = Check("production", "  Gateway__RerankAddress: dns:///rerank:5103\n", "  Gateway__RerankAddress: http://rerank:5103\n");

        Assert.Contains(problems, p => p.Contains("Gateway:RerankAddress", StringComparison.Ordinal) && p.Contains("not a dns:///", StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingSecretFails()
    {
        var problems = Check("production", "              key: elastic\n", "              key: password\n");

        Assert.Contains(problems, p => p.Contains("search-es-es-elastic-user", StringComparison.Ordinal));
    }

    [Fact]
    public void GatewayReplicasWithoutTheirSharedStoreFail()
    {
        var problems = Check("production", "        - name: Gateway__Store__Postgres\n", "        - name: Gateway__Store__Postgress\n");

        Assert.Contains(problems, p => p.Contains("Gateway:Store:Postgres", StringComparison.Ordinal) && p.Contains("gateway replicas", StringComparison.Ordinal));
    }

    [Fact]
    public void AnImageDeployDoesNotBuildFails()
    {
        var problems = Check("local", "image: localhost/search-rerank:latest", "image: localhost/search-reranker:latest");

        Assert.Contains(problems, p => p.Contains("localhost/search-reranker", StringComparison.Ordinal));
    }

    [Fact]
    public void AContainerWithoutLimitsOrAReadOnlyRootFails()
    {
        var problems = Check("local", "          readOnlyRootFilesystem: true\n", "          readOnlyRootFilesystem: false\n");

        Assert.Contains(problems, p => p.Contains("readOnlyRootFilesystem", StringComparison.Ordinal));
    }

    [Fact]
    public void APasswordInAConfigMapFails()
    {
        var problems = Check("local", "  Gateway__RouterAddress: ", "  Gateway__Cache__Redis: redis:6379,password=hunter2\n  Gateway__RouterAddress: ");

        Assert.Contains(problems, p => p.Contains("holds a credential", StringComparison.Ordinal));
    }

    /// <summary>Renders <paramref name="overlay"/>, replaces the first <paramref name="find"/> and runs every check.</summary>
    private static List<string> Check(string overlay, string find, string replacement)
    {
        var yaml = Kustomize.Render(overlay);
        var at = yaml.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the rendered {overlay} overlay no longer contains '{find}': update the test");
        var broken = yaml[..at] + replacement + yaml[(at + find.Length)..];
        return ManifestChecks.All(Manifests.Read(broken));
    }
}
