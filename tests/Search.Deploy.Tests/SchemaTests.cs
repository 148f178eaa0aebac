namespace Search.Deploy.Tests;

/// <summary>Every overlay renders, and every object in it fits the Kubernetes schema (strictly: unknown fields fail).</summary>
public sealed class SchemaTests
{
    public static TheoryData<string> Overlays => new(Kustomize.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryObjectOfTheOverlayFitsTheSchema(string overlay)
    {
        var manifests = Manifests.Read(Kustomize.Render(overlay));

        Assert.NotEmpty(manifests.Objects);
        Assert.All(manifests.Objects, o => Assert.False(string.IsNullOrEmpty(o.Kind)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryObjectOfTheOverlayFitsTheJsonSchemaWithItsEnums(string overlay) =>
        Assert.Empty(JsonSchema.Problems(Kustomize.Render(overlay)));

    [Fact]
    public void AnEnumValueKubernetesDoesNotKnowFailsTheJsonSchemaCheck()
    {
        var yaml = Kustomize.Render("production").Replace("whenUnsatisfiable: ScheduleAnyway", "whenUnsatisfiable: ScheduleSomehow", StringComparison.Ordinal);

        Assert.Contains(JsonSchema.Problems(yaml), p => p.StartsWith("Deployment/", StringComparison.Ordinal) && p.Contains("whenUnsatisfiable", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownFieldFailsTheSchemaCheck()
    {
        var yaml = Kustomize.Render("local").Replace("  serviceName: retrieval\n", "  serviceName: retrieval\n  replica: 2\n", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => Manifests.Read(yaml));
        Assert.Contains("StatefulSet/retrieval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APortOfTheWrongTypeFailsTheSchemaCheck()
    {
        var yaml = Kustomize.Render("local").Replace("- containerPort: 5101\n", "- containerPort: five-one-oh-one\n", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => Manifests.Read(yaml));
        Assert.Contains("Deployment/router", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFieldFromAnotherApiVersionFailsTheSchemaCheck()
    {
        // autoscaling/v1's field; autoscaling/v2 says it under metrics.
        var yaml = Kustomize.Render("production").Replace("  maxReplicas: 10\n", "  maxReplicas: 10\n  targetCPUUtilizationPercentage: 70\n", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => Manifests.Read(yaml));
        Assert.Contains("HorizontalPodAutoscaler", error.Message, StringComparison.Ordinal);
    }
}
