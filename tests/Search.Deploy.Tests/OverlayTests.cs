using k8s.Models;

namespace Search.Deploy.Tests;

/// <summary>What each overlay is for: local is one of everything on the embedded index; production scales and survives.</summary>
public sealed class OverlayTests
{
    private static readonly string[] Stateless = ["gateway", "router", "retrieval", "rerank", "answer"];

    [Fact]
    public void LocalRunsRetrievalAsAStatefulSetOfOneWithTheIndexOnItsVolume()
    {
        var manifests = Manifests.Read(Kustomize.Render("local"));

        var retrieval = Assert.Single(manifests.OfType<V1StatefulSet>(), s => s.Metadata.Name == "retrieval");
        Assert.Equal(1, retrieval.Spec.Replicas);
        var claim = Assert.Single(retrieval.Spec.VolumeClaimTemplates);
        var container = ManifestChecks.ServiceContainers(manifests).Single(c => c.Service == "Retrieval");
        Assert.Equal("Lucene", container.Settings["Retrieval:Backend"]);
        var mount = Assert.Single(container.Container.VolumeMounts, m => m.Name == claim.Metadata.Name);
        Assert.StartsWith(mount.MountPath + "/", container.Settings["Retrieval:DataDirectory"], StringComparison.Ordinal);
        Assert.All(manifests.OfType<V1Deployment>(), d => Assert.Equal(1, d.Spec.Replicas));
    }

    [Fact]
    public void LocalSecretsHoldOnlyTheDocumentedDevelopmentKeys()
    {
        var manifests = Manifests.Read(Kustomize.Render("local"));

        var values = manifests.Secrets.SelectMany(s => s.Data.Values).Select(v => System.Text.Encoding.UTF8.GetString(v)).Distinct().Order().ToList();
        Assert.Equal(["local-development-call-key-0123456789abcdef", "local-development-key", "local-development-write-key-0123456789abcdef", "local-review-key"], values);
        Assert.Equal("local-development-key", RepoLayout.DevelopmentApiKey());
        Assert.Equal("local-review-key", RepoLayout.DevelopmentReviewKey());
    }

    [Fact]
    public void ProductionHasNoSecretsOnlyReferencesToTheDocumentedOnes()
    {
        var manifests = Manifests.Read(Kustomize.Render("production"));

        Assert.Empty(manifests.Secrets);
    }

    [Fact]
    public void ProductionRunsRetrievalStatelessOnElasticsearch()
    {
        var manifests = Manifests.Read(Kustomize.Render("production"));

        Assert.Empty(manifests.OfType<V1StatefulSet>());
        var container = ManifestChecks.ServiceContainers(manifests).Single(c => c.Service == "Retrieval");
        Assert.Equal("Elasticsearch", container.Settings["Retrieval:Backend"]);
        var elasticsearch = Assert.Single(manifests.Custom);
        Assert.Equal("Elasticsearch", ((YamlDotNet.RepresentationModel.YamlScalarNode)elasticsearch["kind"]).Value);
    }

    [Fact]
    public void ProductionScalesEveryStatelessServiceFromTwoAndKeepsOneThroughDisruptions()
    {
        var manifests = Manifests.Read(Kustomize.Render("production"));
        var deployments = manifests.OfType<V1Deployment>().ToDictionary(d => d.Metadata.Name);

        foreach (var name in Stateless)
        {
            var deployment = deployments[name];
            // The autoscaler owns the count; a count in the manifest would reset it on every apply.
            Assert.Null(deployment.Spec.Replicas);
            var autoscaler = Assert.Single(manifests.OfType<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Name == name);
            Assert.Equal("Deployment", autoscaler.Spec.ScaleTargetRef.Kind);
            Assert.True(autoscaler.Spec.MinReplicas >= 2 && autoscaler.Spec.MaxReplicas > autoscaler.Spec.MinReplicas, $"{name}'s autoscaler");
            Assert.Single(manifests.OfType<V1PodDisruptionBudget>(), b => ManifestChecks.Selects(b.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels));
            Assert.Contains(deployment.Spec.Template.Spec.TopologySpreadConstraints ?? [], t => t.TopologyKey == "kubernetes.io/hostname"
                && ManifestChecks.Selects(t.LabelSelector.MatchLabels, deployment.Spec.Template.Metadata.Labels));
        }
    }

    [Theory]
    [InlineData("local")]
    [InlineData("production")]
    public void NetworkPoliciesDenyByDefaultAndLetOnlyTheGatewayReachTheStages(string overlay)
    {
        var manifests = Manifests.Read(Kustomize.Render(overlay));
        var policies = manifests.OfType<V1NetworkPolicy>().ToList();

        Assert.Contains(policies, p => p.Spec.PodSelector.MatchLabels is null or { Count: 0 } && p.Spec.Ingress is null && p.Spec.Egress is null
            && p.Spec.PolicyTypes.Contains("Ingress") && p.Spec.PolicyTypes.Contains("Egress"));
        foreach (var c in ManifestChecks.ServiceContainers(manifests).Where(c => c.Service != "Gateway"))
        {
            var port = ManifestChecks.PortOf(c.Settings, "Grpc");
            var ingress = policies.Where(p => ManifestChecks.Selects(p.Spec.PodSelector.MatchLabels, c.Pod.Metadata.Labels)).SelectMany(p => p.Spec.Ingress ?? []).ToList();
            var from = ingress.Where(rule => rule.Ports.Any(p => p.Port.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture))).SelectMany(rule => rule.FromProperty).ToList();
            Assert.True(from.Count > 0, $"nothing may reach {c.Workload} on its gRPC port {port}");
            Assert.All(from, peer => Assert.Equal("gateway", peer.PodSelector?.MatchLabels?["app.kubernetes.io/name"]));

            var gatewayEgress = policies.Where(p => ManifestChecks.Selects(p.Spec.PodSelector.MatchLabels, new Dictionary<string, string> { ["app.kubernetes.io/name"] = "gateway" })).SelectMany(p => p.Spec.Egress ?? []);
            Assert.Contains(gatewayEgress, rule => rule.Ports.Any(p => p.Port.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                && rule.To.Any(peer => ManifestChecks.Selects(peer.PodSelector?.MatchLabels, c.Pod.Metadata.Labels)));
        }

        Assert.All(manifests.OfType<V1Ingress>(), i => Assert.All(i.Spec.Rules.SelectMany(r => r.Http.Paths), p => Assert.Equal("gateway", p.Backend.Service.Name)));
    }

    [Fact]
    public void ProductionRedisIsABoundedCacheThatCannotEvictTheInvalidationSets()
    {
        var manifests = Manifests.Read(Kustomize.Render("production"));

        var config = Assert.Single(manifests.ConfigMaps, m => m.Metadata.Name.StartsWith("redis-config", StringComparison.Ordinal)).Data["redis.conf"];
        var settings = config.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("\"\"", settings["save"]);
        Assert.Equal("no", settings["appendonly"]);
        Assert.Equal("noeviction", settings["maxmemory-policy"]);
        Assert.Matches("^[0-9]+(mb|gb)$", settings["maxmemory"]);
    }
}
