using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Search.Deploy.Tests;

/// <summary>
/// One overlay's rendered objects, each read strictly by the Kubernetes object model (an unknown field or a wrong
/// type fails the read). Kinds from operators' CRDs, which the model does not know, are kept as parsed YAML.
/// </summary>
public sealed class Manifests
{
    /// <summary>CRD kinds an overlay may hold, by apiVersion/kind.</summary>
    public static readonly IReadOnlySet<string> CustomKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "elasticsearch.k8s.elastic.co/v1/Elasticsearch",
    };

    private Manifests(IReadOnlyList<IKubernetesObject> objects, IReadOnlyList<YamlMappingNode> custom)
    {
        Objects = objects;
        Custom = custom;
    }

    public IReadOnlyList<IKubernetesObject> Objects { get; }

    public IReadOnlyList<YamlMappingNode> Custom { get; }

    public IEnumerable<T> OfType<T>() => Objects.OfType<T>();

    public IEnumerable<V1ConfigMap> ConfigMaps => OfType<V1ConfigMap>();

    public IEnumerable<V1Secret> Secrets => OfType<V1Secret>();

    public IEnumerable<V1Service> Services => OfType<V1Service>();

    /// <summary>Every Deployment and StatefulSet as (kind/name, pod template).</summary>
    public IEnumerable<(string Name, V1PodTemplateSpec Template)> Workloads =>
        OfType<V1Deployment>().Select(d => ($"Deployment/{d.Metadata.Name}", d.Spec.Template))
            .Concat(OfType<V1StatefulSet>().Select(s => ($"StatefulSet/{s.Metadata.Name}", s.Spec.Template)));

    /// <summary>Reads <paramref name="yaml"/>; throws with the object's kind and name when one does not fit the schema.</summary>
    public static Manifests Read(string yaml)
    {
        var objects = new List<IKubernetesObject>();
        var custom = new List<YamlMappingNode>();
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                continue;
            }

            var apiVersion = Scalar(root, "apiVersion");
            var kind = Scalar(root, "kind");
            var name = root.Children.TryGetValue("metadata", out var metadata) && metadata is YamlMappingNode m ? Scalar(m, "name") : "";
            if (CustomKinds.Contains($"{apiVersion}/{kind}"))
            {
                custom.Add(root);
                continue;
            }

            var text = Serialize(document);
            try
            {
                objects.AddRange(KubernetesYaml.LoadAllFromString(text, strict: true).Cast<IKubernetesObject>());
            }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or ArgumentException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{apiVersion} {kind}/{name} does not fit the schema: {Innermost(e)}", e);
            }
        }

        return new Manifests(objects, custom);
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode scalar ? scalar.Value ?? "" : "";

    private static string Serialize(YamlDocument document)
    {
        using var writer = new StringWriter();
        new YamlStream(document).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static string Innermost(Exception e)
    {
        var messages = new List<string>();
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            messages.Add(inner.Message);
        }

        return string.Join(" <- ", messages.Distinct(StringComparer.Ordinal));
    }
}
