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
    /// The gateway's ingest key in its local configuration (appsettings.Development.json, which the
    /// local cluster runs with), so the launcher, tests and the CLI use the one key the gateway expects.
    /// </summary>
    public static string DevelopmentApiKey()
    {
        var path = Path.Combine(Path.GetDirectoryName(ServiceAssembly("Gateway"))!, "appsettings.Development.json");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("Gateway").GetProperty("IngestApiKey").GetString()
            ?? throw new InvalidOperationException($"{path} has no Gateway:IngestApiKey");
    }

    /// <summary>The gateway's reviewer key in its local configuration (Gateway:Review:ApiKey in appsettings.Development.json).</summary>
    public static string DevelopmentReviewKey()
    {
        var path = Path.Combine(Path.GetDirectoryName(ServiceAssembly("Gateway"))!, "appsettings.Development.json");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("Gateway").GetProperty("Review").GetProperty("ApiKey").GetString()
            ?? throw new InvalidOperationException($"{path} has no Gateway:Review:ApiKey");
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
