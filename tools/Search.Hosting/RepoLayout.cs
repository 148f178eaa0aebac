using System.Reflection;

namespace Search.Hosting;

/// <summary>Where the repository and the built services are, seen from a running tool or test.</summary>
public static class RepoLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration this assembly was built in; services are started from the same one.</summary>
    public static string Configuration { get; } =
        typeof(RepoLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string DemoCorpus => Path.Combine(Root, "tools", "demo", "corpus.jsonl");

    public static string DefaultDataDirectory => Path.Combine(Root, ".data", "index");

    /// <summary>The gateway's own data (the feedback database) under `make run`.</summary>
    public static string DefaultGatewayDataDirectory => Path.Combine(Root, ".data", "gateway");

    /// <summary>The built entry assembly of service <paramref name="name"/> ("Router", "Gateway", …).</summary>
    public static string ServiceAssembly(string name)
    {
        var path = Path.Combine(Root, "services", $"Search.{name}", "bin", Configuration, "net10.0", $"Search.{name}.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Search.{name} is not built ({path} is missing); run `dotnet build -c {Configuration}` first", path);
        }

        return path;
    }

    /// <summary>
    /// The launcher's explicitly local configuration: the gateway settings only a local cluster runs with (the
    /// documented ingest and review keys, a rate limit for one machine's tests). The launcher passes them to the
    /// gateway as arguments; the services themselves run as Production and ship no such file.
    /// </summary>
    public static string LocalClusterSettingsFile => Path.Combine(Root, "tools", "Search.Hosting", "local-cluster.json");

    /// <summary><see cref="LocalClusterSettingsFile"/> as configuration keys ("Gateway:Review:ApiKey") and values.</summary>
    public static IReadOnlyDictionary<string, string> LocalClusterSettings()
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(LocalClusterSettingsFile));
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Flatten(json.RootElement, "", settings);
        return settings;
    }

    /// <summary>The gateway's ingest key in the local configuration, so the launcher, tests and the CLI use the one key it expects.</summary>
    public static string DevelopmentApiKey() => LocalSetting("Gateway:IngestApiKey");

    /// <summary>The gateway's reviewer key in the local configuration (Gateway:Review:ApiKey).</summary>
    public static string DevelopmentReviewKey() => LocalSetting("Gateway:Review:ApiKey");

    private static string LocalSetting(string key) =>
        LocalClusterSettings().TryGetValue(key, out var value) ? value : throw new InvalidOperationException($"{LocalClusterSettingsFile} has no {key}");

    private static void Flatten(System.Text.Json.JsonElement element, string prefix, IDictionary<string, string> into)
    {
        if (element.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            into[prefix] = element.ValueKind == System.Text.Json.JsonValueKind.String ? element.GetString()! : element.GetRawText();
            return;
        }

        foreach (var property in element.EnumerateObject())
        {
            Flatten(property.Value, prefix.Length == 0 ? property.Name : prefix + ":" + property.Name, into);
        }
    }

    /// <summary>The built entry assembly of tool <paramref name="name"/> ("Cli", …).</summary>
    public static string ToolAssembly(string name) =>
        Path.Combine(Root, "tools", $"Search.{name}", "bin", Configuration, "net10.0", $"Search.{name}.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Search.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Search.sln not found above {AppContext.BaseDirectory}");
    }
}
