using System.Text.RegularExpressions;
using k8s.Models;

namespace Search.Deploy.Tests;

/// <summary>
/// The consistency checks of an overlay against the code. Each returns the problems it found, as sentences that
/// name the object and the setting, so a test can show them all and a broken manifest can be asserted on.
/// </summary>
public static partial class ManifestChecks
{
    /// <summary>The five images deploy/ builds (README), one per service.</summary>
    public static readonly IReadOnlyDictionary<string, string> Images = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["localhost/search-gateway"] = "Gateway",
        ["localhost/search-router"] = "Router",
        ["localhost/search-retrieval"] = "Retrieval",
        ["localhost/search-rerank"] = "Rerank",
        ["localhost/search-answer"] = "Answer",
    };

    /// <summary>Environment variables read outside the options, with where.</summary>
    public static readonly IReadOnlyDictionary<string, string> RuntimeVariables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ASPNETCORE_ENVIRONMENT"] = "ASP.NET Core: which appsettings.{Environment}.json is read",
        ["DOTNET_gcServer"] = "the .NET runtime's GC mode, as tools/Search.Hosting/ServiceProcess.cs sets it",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "services/Search.ServiceDefaults/Extensions.cs (AddTelemetry)",
    };

    /// <summary>
    /// Secrets the production overlay expects to exist, not in git: created by the operator before the first apply
    /// (k8s/overlays/production/kustomization.yaml) or by ECK for the Elasticsearch resource.
    /// </summary>
    public static readonly IReadOnlySet<string> ExternalSecretKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "search-ingest/api-key",
        "search-redis/password",
        "search-review/api-key",
        "search-internal/call-key",
        "search-internal/write-key",
        "search-gateway-store/postgres",
        "search-es-es-elastic-user/elastic",
    };

    /// <summary>A search service's container: its service name ("Gateway") and its settings as configuration keys.</summary>
    public sealed record ServiceContainer(string Workload, string Service, V1PodTemplateSpec Pod, V1Container Container, IReadOnlyDictionary<string, string> Settings);

    /// <summary>Every container that runs one of the five images, with the settings its environment gives it.</summary>
    public static IReadOnlyList<ServiceContainer> ServiceContainers(Manifests manifests, List<string>? problems = null)
    {
        var found = new List<ServiceContainer>();
        foreach (var (workload, pod) in manifests.Workloads)
        {
            foreach (var container in pod.Spec.Containers)
            {
                if (Images.TryGetValue(ImageName(container.Image), out var service))
                {
                    found.Add(new(workload, service, pod, container, SettingsOf(manifests, workload, container, problems ?? [])));
                }
            }
        }

        return found;
    }

    /// <summary>Each of the five images runs in exactly one workload, with a tag.</summary>
    public static IEnumerable<string> CheckImages(Manifests manifests)
    {
        var containers = ServiceContainers(manifests);
        foreach (var (image, service) in Images)
        {
            var count = containers.Count(c => c.Service == service);
            if (count != 1)
            {
                yield return $"{image} runs in {count} workloads; expected one";
            }
        }

        foreach (var (workload, pod) in manifests.Workloads)
        {
            foreach (var container in pod.Spec.Containers.Where(c => c.Image.StartsWith("localhost/", StringComparison.Ordinal)))
            {
                if (!Images.ContainsKey(ImageName(container.Image)))
                {
                    yield return $"{workload} runs {container.Image}, which is none of the images deploy/ builds ({string.Join(", ", Images.Keys)})";
                }
                else if (!container.Image.Contains(':', StringComparison.Ordinal))
                {
                    yield return $"{workload} runs {container.Image} without a tag";
                }
            }
        }
    }

    /// <summary>
    /// Every setting is a key the service reads, its values pass the service's own option validation, every endpoint
    /// listens beyond loopback on its declared port, and the settings without which the service is useless are given.
    /// </summary>
    public static IEnumerable<string> CheckSettings(Manifests manifests)
    {
        var problems = new List<string>();
        foreach (var c in ServiceContainers(manifests, problems))
        {
            var service = ServiceConfiguration.Of(c.Service);
            var variables = AllVariables(c.Container, manifests);
            // A variable only other values refer to ($(REDIS_PASSWORD)) is no setting of its own.
            var helpers = variables.Select(v => v.Name).Where(n => variables.Any(v => v.Value?.Contains($"$({n})", StringComparison.Ordinal) == true)).ToHashSet();
            foreach (var (name, _) in variables)
            {
                if (!RuntimeVariables.ContainsKey(name) && !helpers.Contains(name) && !service.Reads(ToKey(name)))
                {
                    problems.Add($"{c.Workload} sets {name}, but {c.Service} reads no configuration key {ToKey(name)} (no option property, endpoint or appsettings.json key)");
                }
            }

            problems.AddRange(service.Validate(c.Settings).Select(e => $"{c.Workload}: {e}"));

            foreach (var endpoint in service.Endpoints)
            {
                var key = $"Kestrel:Endpoints:{endpoint}:Url";
                if (!c.Settings.TryGetValue(key, out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    problems.Add($"{c.Workload} does not set {key}: the service would listen on appsettings.json's loopback address, out of reach of other pods");
                    continue;
                }

                if (uri.Host is "127.0.0.1" or "localhost" or "[::1]")
                {
                    problems.Add($"{c.Workload}: {key} {url} listens on loopback only");
                }

                var port = c.Container.Ports?.FirstOrDefault(p => string.Equals(p.Name, endpoint, StringComparison.OrdinalIgnoreCase));
                if (port is null || port.ContainerPort != uri.Port)
                {
                    problems.Add($"{c.Workload}: {key} listens on {uri.Port}, but the container declares {(port is null ? "no port" : $"port {port.ContainerPort}")} named {endpoint.ToLowerInvariant()}");
                }
            }

            problems.AddRange(RequiredSettings(manifests, c));
        }

        return problems;
    }

    /// <summary>Probes on the real gRPC port and health service names; Prometheus annotations on a port that serves /metrics over HTTP/1.1.</summary>
    public static IEnumerable<string> CheckProbesAndScrapes(Manifests manifests)
    {
        foreach (var c in ServiceContainers(manifests))
        {
            var grpcPort = PortOf(c.Settings, "Grpc");
            foreach (var (kind, probe) in Probes(c.Container))
            {
                if (probe?.Grpc is not { } grpc)
                {
                    yield return $"{c.Workload} has no gRPC {kind} probe (grpc.health.v1)";
                    continue;
                }

                if (grpc.Port != grpcPort)
                {
                    yield return $"{c.Workload}: the {kind} probe asks port {grpc.Port}, but grpc.health.v1 is served on the Grpc endpoint's port {grpcPort}";
                }

                if (grpc.Service is { Length: > 0 } name && name != ServiceConfiguration.LiveHealthService)
                {
                    yield return $"{c.Workload}: the {kind} probe asks health service '{name}', which the services do not map (\"\" or \"{ServiceConfiguration.LiveHealthService}\")";
                }
            }

            if (c.Container.LivenessProbe?.Grpc is { } live && live.Service != ServiceConfiguration.LiveHealthService)
            {
                yield return $"{c.Workload}: the liveness probe must ask \"{ServiceConfiguration.LiveHealthService}\" (liveness alone), not readiness";
            }

            IDictionary<string, string> annotations = c.Pod.Metadata.Annotations ?? new Dictionary<string, string>();
            if (!annotations.TryGetValue("prometheus.io/scrape", out var scrape) || scrape != "true"
                || !annotations.TryGetValue("prometheus.io/port", out var scrapePort) || annotations.TryGetValue("prometheus.io/path", out var path) is false || path != "/metrics")
            {
                yield return $"{c.Workload} lacks the prometheus.io/scrape, port and path (/metrics) annotations";
                continue;
            }

            // /metrics is served on the Metrics endpoint alone (services/Search.ServiceDefaults/MetricsEndpoint.cs).
            var service = ServiceConfiguration.Of(c.Service);
            if (!service.Endpoints.Contains("Metrics") || service.ProtocolsOf("Metrics") != "Http1"
                || PortOf(c.Settings, "Metrics").ToString(System.Globalization.CultureInfo.InvariantCulture) != scrapePort)
            {
                yield return $"{c.Workload}: prometheus.io/port {scrapePort} is not its HTTP/1.1 Metrics endpoint, the only port serving /metrics";
            }
        }
    }

    /// <summary>Every Service selects pods of a workload and targets ports those pods declare, on the same number.</summary>
    public static IEnumerable<string> CheckServices(Manifests manifests)
    {
        foreach (var service in manifests.Services.Where(s => s.Spec.Type != "ExternalName"))
        {
            var pods = manifests.Workloads.Where(w => Selects(service.Spec.Selector, w.Template.Metadata.Labels)).ToList();
            if (pods.Count == 0)
            {
                yield return $"Service/{service.Metadata.Name} selects no workload";
                continue;
            }

            foreach (var port in service.Spec.Ports)
            {
                var target = port.TargetPort?.Value ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var declared = pods.SelectMany(p => p.Template.Spec.Containers).SelectMany(c => c.Ports ?? [])
                    .FirstOrDefault(p => p.Name == target || p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == target);
                if (declared is null)
                {
                    yield return $"Service/{service.Metadata.Name} targets port {target}, which its pods do not declare";
                }
                else if (declared.ContainerPort != port.Port)
                {
                    yield return $"Service/{service.Metadata.Name} serves {port.Port} but its pods listen on {declared.ContainerPort}: the gateway's addresses name one port";
                }
            }
        }
    }

    /// <summary>Non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp, probes, requests and limits.</summary>
    public static IEnumerable<string> CheckHardening(Manifests manifests)
    {
        foreach (var (workload, pod) in manifests.Workloads)
        {
            var podSecurity = pod.Spec.SecurityContext;
            if (podSecurity?.RunAsNonRoot != true || podSecurity.SeccompProfile?.Type != "RuntimeDefault")
            {
                yield return $"{workload}: the pod's securityContext needs runAsNonRoot: true and seccompProfile RuntimeDefault";
            }

            if (pod.Spec.AutomountServiceAccountToken != false)
            {
                yield return $"{workload} mounts a service account token it does not use";
            }

            foreach (var container in pod.Spec.Containers)
            {
                var security = container.SecurityContext;
                if (security?.AllowPrivilegeEscalation != false || security.ReadOnlyRootFilesystem != true
                    || security.Capabilities?.Drop?.Contains("ALL") != true)
                {
                    yield return $"{workload}/{container.Name}: securityContext needs allowPrivilegeEscalation: false, readOnlyRootFilesystem: true and capabilities drop ALL";
                }

                foreach (var (kind, probe) in Probes(container))
                {
                    if (probe is null)
                    {
                        yield return $"{workload}/{container.Name} has no {kind} probe";
                    }
                }

                var resources = container.Resources;
                foreach (var amount in new[] { "cpu", "memory" })
                {
                    if (resources?.Requests?.ContainsKey(amount) != true || resources.Limits?.ContainsKey(amount) != true)
                    {
                        yield return $"{workload}/{container.Name} lacks a {amount} request or limit";
                    }
                }

                if (Images.ContainsKey(ImageName(container.Image)) && container.VolumeMounts?.Any(m => m.MountPath == "/tmp") != true)
                {
                    yield return $"{workload}/{container.Name}: a read-only root needs a writable /tmp (an emptyDir) for .NET";
                }
            }
        }
    }

    /// <summary>No ConfigMap holds a credential: no key that names one, no connection string with a password, no known key.</summary>
    public static IEnumerable<string> CheckNoCredentialsInConfigMaps(Manifests manifests)
    {
        foreach (var map in manifests.ConfigMaps)
        {
            foreach (var (key, value) in map.Data ?? new Dictionary<string, string>())
            {
                var lines = value.Split('\n');
                if (CredentialName().IsMatch(key) || lines.Any(l => CredentialSetting().IsMatch(l)) || value.Contains("local-development-key", StringComparison.Ordinal))
                {
                    yield return $"ConfigMap/{map.Metadata.Name} holds a credential in {key}: it belongs in a Secret";
                }
            }
        }
    }

    /// <summary>All the checks that hold in every overlay.</summary>
    public static List<string> All(Manifests manifests) =>
    [
        .. CheckImages(manifests),
        .. CheckSettings(manifests),
        .. CheckProbesAndScrapes(manifests),
        .. CheckServices(manifests),
        .. CheckHardening(manifests),
        .. CheckNoCredentialsInConfigMaps(manifests),
    ];

    public static string ImageName(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', slash + 1);
        return colon < 0 ? image : image[..colon];
    }

    public static string ToKey(string variable) => variable.Replace("__", ":", StringComparison.Ordinal);

    public static int PortOf(IReadOnlyDictionary<string, string> settings, string endpoint) =>
        settings.TryGetValue($"Kestrel:Endpoints:{endpoint}:Url", out var url) && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : -1;

    public static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    private static IEnumerable<(string Kind, V1Probe? Probe)> Probes(V1Container container) =>
        [("startup", container.StartupProbe), ("readiness", container.ReadinessProbe), ("liveness", container.LivenessProbe)];

    /// <summary>What the gateway and retrieval cannot work without, and where their addresses must lead.</summary>
    private static IEnumerable<string> RequiredSettings(Manifests manifests, ServiceContainer c)
    {
        var s = c.Settings;
        // Service-to-service authentication: every service holds the call key, only the gateway and retrieval the write key.
        if (!s.TryGetValue("ServiceAuth:CallKey", out var callKey) || !callKey.StartsWith("secret:", StringComparison.Ordinal))
        {
            yield return $"{c.Workload}: ServiceAuth:CallKey must come from a Secret (without it a back service does not start and the gateway's calls are refused)";
        }

        var writer = c.Service is "Gateway" or "Retrieval";
        var writeKey = s.GetValueOrDefault("ServiceAuth:WriteKey");
        if (writer && (writeKey is null || !writeKey.StartsWith("secret:", StringComparison.Ordinal) || writeKey == callKey))
        {
            yield return $"{c.Workload}: ServiceAuth:WriteKey must come from a Secret of its own (without it retrieval accepts no writes)";
        }
        else if (!writer && writeKey is not null)
        {
            yield return $"{c.Workload}: ServiceAuth:WriteKey is for the gateway and retrieval only: any holder could write to retrieval";
        }

        if (c.Service == "Gateway")
        {
            if (!s.TryGetValue("Gateway:IngestApiKey", out var key) || !key.StartsWith("secret:", StringComparison.Ordinal))
            {
                yield return $"{c.Workload}: Gateway:IngestApiKey must come from a Secret (without it no ingest is accepted)";
            }

            if (!s.TryGetValue("Gateway:Review:ApiKey", out var review) || !review.StartsWith("secret:", StringComparison.Ordinal) || review == key)
            {
                yield return $"{c.Workload}: Gateway:Review:ApiKey must come from a Secret of its own (without it the review console refuses everyone)";
            }

            // Replicas that each kept feedback, the query log and review actions in their own SQLite file would each
            // see a part of them. Gateway:Feedback:Postgres is the setting's older name, which the gateway still reads.
            var replicas = manifests.OfType<V2HorizontalPodAutoscaler>().Where(h => $"{h.Spec.ScaleTargetRef.Kind}/{h.Spec.ScaleTargetRef.Name}" == c.Workload).Select(h => h.Spec.MaxReplicas)
                .Concat(manifests.OfType<V1Deployment>().Where(d => $"Deployment/{d.Metadata.Name}" == c.Workload).Select(d => d.Spec.Replicas ?? 1)).DefaultIfEmpty(1).Max();
            var store = s.GetValueOrDefault("Gateway:Store:Postgres") ?? s.GetValueOrDefault("Gateway:Feedback:Postgres") ?? "";
            if (replicas > 1 && !store.StartsWith("secret:", StringComparison.Ordinal))
            {
                yield return $"{c.Workload}: up to {replicas} gateway replicas need Gateway:Store:Postgres (their shared store) from a Secret";
            }

            if (!s.TryGetValue("Gateway:Cache:Redis", out var redis) || string.IsNullOrWhiteSpace(redis))
            {
                yield return $"{c.Workload}: Gateway:Cache:Redis is not set, so the answer cache is off";
            }
            else if (RedisHost(redis) is var (host, port) && !ServesWorkloadOf(manifests, host, port, "redis"))
            {
                yield return $"{c.Workload}: Gateway:Cache:Redis names {host}:{port}, which is no Service of the Redis pods on that port";
            }

            foreach (var stage in new[] { "Router", "Retrieval", "Rerank", "Answer" })
            {
                var setting = $"Gateway:{stage}Address";
                if (!s.TryGetValue(setting, out var address) || !Uri.TryCreate(address, UriKind.Absolute, out var uri))
                {
                    yield return $"{c.Workload}: {setting} is not set";
                    continue;
                }

                if (uri.Scheme != "dns")
                {
                    yield return $"{c.Workload}: {setting} {address} is not a dns:/// address: one HTTP/2 connection would carry every call to one pod";
                    continue;
                }

                // dns:///host:port
                var target = uri.AbsolutePath.TrimStart('/');
                var colon = target.LastIndexOf(':');
                var host = colon > 0 ? target[..colon] : target;
                var port = colon > 0 && int.TryParse(target[(colon + 1)..], out var p) ? p : -1;
                if (!ServesWorkloadOf(manifests, host, port, $"localhost/search-{stage.ToLowerInvariant()}"))
                {
                    yield return $"{c.Workload}: {setting} {address} is no Service of the {stage} pods on that port";
                }
                else if (manifests.Services.First(v => v.Metadata.Name == host).Spec.ClusterIP != "None")
                {
                    yield return $"{c.Workload}: {setting} names Service {host}, which is not headless: a ClusterIP pins each HTTP/2 connection to one pod";
                }
            }
        }

        if (c.Service == "Retrieval" && string.Equals(s.GetValueOrDefault("Retrieval:Backend"), "Elasticsearch", StringComparison.OrdinalIgnoreCase))
        {
            var clusters = manifests.Custom.Select(o => ((YamlDotNet.RepresentationModel.YamlScalarNode)((YamlDotNet.RepresentationModel.YamlMappingNode)o["metadata"])["name"]).Value).ToList();
            var urls = s.Where(kv => kv.Key.StartsWith("Retrieval:Elasticsearch:Urls:", StringComparison.OrdinalIgnoreCase)).Select(kv => new Uri(kv.Value).Host).ToList();
            if (urls.Count == 0 || !urls.All(h => clusters.Any(name => h == $"{name}-es-http")))
            {
                yield return $"{c.Workload}: Retrieval:Elasticsearch:Urls ({string.Join(", ", urls)}) must name the HTTP Service ECK makes for an Elasticsearch resource here ({{name}}-es-http)";
            }

            if (s.GetValueOrDefault("Retrieval:Elasticsearch:Password") is not { } password || !clusters.Any(name => password == $"secret:{name}-es-elastic-user/elastic"))
            {
                yield return $"{c.Workload}: Retrieval:Elasticsearch:Password must come from ECK's Secret {{name}}-es-elastic-user, key elastic";
            }
        }
    }

    private static (string Host, int Port)? RedisHost(string configuration)
    {
        var endpoint = configuration.Split(',')[0].Trim();
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], out var port) ? (endpoint[..colon], port) : (endpoint, 6379);
    }

    /// <summary>Whether Service <paramref name="host"/> serves <paramref name="port"/> and selects the pods running <paramref name="image"/>.</summary>
    private static bool ServesWorkloadOf(Manifests manifests, string host, int port, string image)
    {
        var service = manifests.Services.FirstOrDefault(s => s.Metadata.Name == host);
        return service is not null && service.Spec.Ports.Any(p => p.Port == port)
            && manifests.Workloads.Any(w => Selects(service.Spec.Selector, w.Template.Metadata.Labels)
                && w.Template.Spec.Containers.Any(c => ImageName(c.Image) == image || ImageName(c.Image).EndsWith("/" + image, StringComparison.Ordinal)));
    }

    /// <summary>The container's variables in order: envFrom ConfigMaps first, then env (which wins).</summary>
    private static List<(string Name, string? Value)> AllVariables(V1Container container, Manifests manifests)
    {
        var variables = new List<(string, string?)>();
        foreach (var source in container.EnvFrom ?? [])
        {
            var map = manifests.ConfigMaps.FirstOrDefault(m => m.Metadata.Name == source.ConfigMapRef?.Name);
            foreach (var (key, value) in map?.Data ?? new Dictionary<string, string>())
            {
                variables.Add((key, value));
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            variables.Add((variable.Name, variable.ValueFrom?.SecretKeyRef is { } secret ? $"secret:{secret.Name}/{secret.Key}" : variable.Value));
        }

        return variables;
    }

    private static Dictionary<string, string> SettingsOf(Manifests manifests, string workload, V1Container container, List<string> problems)
    {
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } reference && manifests.ConfigMaps.All(m => m.Metadata.Name != reference.Name))
            {
                problems.Add($"{workload} reads ConfigMap {reference.Name}, which the overlay does not have");
            }

            if (source.SecretRef is not null)
            {
                problems.Add($"{workload} takes a whole Secret as environment: name each key instead, so every setting can be checked");
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            if (variable.ValueFrom?.SecretKeyRef is { } secret && !SecretExists(manifests, secret.Name, secret.Key))
            {
                problems.Add($"{workload} reads key {secret.Key} of Secret {secret.Name}, which neither the overlay nor the documented external Secrets have");
            }
        }

        var raw = AllVariables(container, manifests);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            // $(NAME) refers to a variable defined before it, as the kubelet expands it.
            values[name] = VariableReference().Replace(value ?? "", m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
        }

        return values.ToDictionary(kv => ToKey(kv.Key), kv => kv.Value, StringComparer.OrdinalIgnoreCase);
    }

    private static bool SecretExists(Manifests manifests, string name, string key) =>
        manifests.Secrets.Any(s => s.Metadata.Name == name && ((s.Data?.ContainsKey(key) ?? false) || (s.StringData?.ContainsKey(key) ?? false)))
        || ExternalSecretKeys.Contains($"{name}/{key}");

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex("password|passwd|api[-_]?key|secret|token|credential", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialName();

    [GeneratedRegex(@"(password|requirepass|api[-_]?key)\s*[=:]?\s*\S", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialSetting();
}
