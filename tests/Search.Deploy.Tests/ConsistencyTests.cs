namespace Search.Deploy.Tests;

/// <summary>Each overlay held against the code: settings, ports, probes, images, Services, hardening, Secrets.</summary>
public sealed class ConsistencyTests
{
    public static TheoryData<string> Overlays => new(Kustomize.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EverySettingIsAKeyTheServiceReadsWithAValueItAccepts(string overlay) =>
        NoProblems(ManifestChecks.CheckSettings(Read(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EachOfTheFiveImagesRunsOnceWithATag(string overlay) =>
        NoProblems(ManifestChecks.CheckImages(Read(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ProbesAskTheGrpcPortAndScrapesAnHttpPort(string overlay) =>
        NoProblems(ManifestChecks.CheckProbesAndScrapes(Read(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryServiceSelectsPodsAndTheirDeclaredPorts(string overlay) =>
        NoProblems(ManifestChecks.CheckServices(Read(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryWorkloadHasProbesResourcesAndARestrictedSecurityContext(string overlay) =>
        NoProblems(ManifestChecks.CheckHardening(Read(overlay)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NoConfigMapHoldsACredential(string overlay) =>
        NoProblems(ManifestChecks.CheckNoCredentialsInConfigMaps(Read(overlay)));

    [Fact]
    public void TheCheckSeesEveryServicesOptions()
    {
        // Guards the reflection: were the option types not found, every key would look unknown or none checked.
        Assert.Contains("Gateway:Cache", ServiceConfiguration.Of("Gateway").Sections);
        Assert.Contains("Retrieval", ServiceConfiguration.Of("Retrieval").Sections);
        Assert.Contains("Answer:Llm", ServiceConfiguration.Of("Answer").Sections);
        Assert.Contains("Rerank", ServiceConfiguration.Of("Rerank").Sections);
        Assert.Contains("WarmUp", ServiceConfiguration.Of("Router").Sections);
        Assert.True(ServiceConfiguration.Of("Retrieval").Reads("Retrieval:Elasticsearch:Urls:0"));
        Assert.False(ServiceConfiguration.Of("Retrieval").Reads("Retrieval:Elasticsearch:Url"));
        Assert.Equal("live", ServiceConfiguration.LiveHealthService);
    }

    private static Manifests Read(string overlay) => Manifests.Read(Kustomize.Render(overlay));

    private static void NoProblems(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, string.Join('\n', list));
    }
}
