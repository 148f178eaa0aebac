using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Search.Deploy.Tests;

/// <summary>
/// What one built service reads from its configuration, taken from the service itself: the option types of its
/// assemblies (every class with a <c>Section</c> or <c>SectionName</c> constant, bound as the service binds it),
/// its appsettings.json and its Kestrel endpoints. A renamed option or endpoint changes what this reports.
/// </summary>
public sealed class ServiceConfiguration
{
    private static readonly Dictionary<string, ServiceConfiguration> Loaded = new(StringComparer.Ordinal);

    private readonly Dictionary<string, Type> _sections;
    private readonly List<Type> _types = [];

    private ServiceConfiguration(string name)
    {
        Name = name;
        var assembly = RepoLayout.ServiceAssembly(name);
        Directory = Path.GetDirectoryName(assembly)!;
        var context = new ServiceLoadContext(assembly);
        _sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in System.IO.Directory.GetFiles(Directory, "Search.*.dll"))
        {
            foreach (var type in TypesOf(context.LoadFromAssemblyPath(path)))
            {
                _types.Add(type);
                if (type is { IsClass: true, IsAbstract: false } && type.GetConstructor(Type.EmptyTypes) is not null && SectionOf(type) is { } section)
                {
                    _sections[section] = type;
                }
            }
        }

        AppSettings = Path.Combine(Directory, "appsettings.json");
        using var json = JsonDocument.Parse(File.ReadAllText(AppSettings));
        Endpoints = json.RootElement.GetProperty("Kestrel").GetProperty(nameof(Endpoints)).EnumerateObject().Select(e => e.Name).ToArray();
    }

    /// <summary>"Gateway", "Router", "Retrieval", "Rerank" or "Answer".</summary>
    public string Name { get; }

    public string Directory { get; }

    public string AppSettings { get; }

    /// <summary>The Kestrel endpoints of appsettings.json ("Grpc", "Metrics", "Http").</summary>
    public IReadOnlyList<string> Endpoints { get; }

    /// <summary>Every configuration section with an option type: "Gateway", "Gateway:Cache", "Retrieval", "WarmUp", …</summary>
    public IReadOnlyCollection<string> Sections => _sections.Keys;

    /// <summary>
    /// The grpc.health.v1 service name that reports liveness alone (ServiceDefaultsExtensions.LiveTag); "" is readiness.
    /// </summary>
    public static string LiveHealthService => (string)Of("Gateway").Constant("Microsoft.Extensions.Hosting.ServiceDefaultsExtensions", "LiveTag");

    /// <summary>The Protocols appsettings.json gives Kestrel endpoint <paramref name="endpoint"/> ("Http1", "Http2").</summary>
    public string? ProtocolsOf(string endpoint) => new ConfigurationBuilder().AddJsonFile(AppSettings).Build()[$"Kestrel:Endpoints:{endpoint}:Protocols"];

    /// <summary>A constant of a type in the service's assemblies.</summary>
    public object Constant(string typeName, string field) =>
        _types.Select(t => t.FullName == typeName ? t.GetField(field, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() : null).FirstOrDefault(v => v is not null)
        ?? throw new InvalidOperationException($"{Name} has no constant {typeName}.{field}");

    public static ServiceConfiguration Of(string name)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(name, out var service))
            {
                Loaded[name] = service = new ServiceConfiguration(name);
            }

            return service;
        }
    }

    /// <summary>
    /// Whether the service reads <paramref name="key"/> ("Gateway:Cache:Redis", "Retrieval:Elasticsearch:Urls:0",
    /// "Kestrel:Endpoints:Grpc:Url"): a property path of an option type, an endpoint of appsettings.json, or a key
    /// appsettings.json already sets.
    /// </summary>
    public bool Reads(string key)
    {
        var parts = key.Split(':');
        if (parts.Length == 4 && Eq(parts[0], "Kestrel") && Eq(parts[1], "Endpoints"))
        {
            return Endpoints.Contains(parts[2], StringComparer.OrdinalIgnoreCase) && (Eq(parts[3], "Url") || Eq(parts[3], "Protocols"));
        }

        for (var length = parts.Length - 1; length >= 1; length--)
        {
            if (_sections.TryGetValue(string.Join(':', parts[..length]), out var type) && HasPath(type, parts[length..]))
            {
                return true;
            }
        }

        return new ConfigurationBuilder().AddJsonFile(AppSettings).Build()[key] is not null;
    }

    /// <summary>
    /// Binds every option type to appsettings.json overlaid with <paramref name="settings"/> (as the running service
    /// would, environment last) and validates it as <c>ValidateDataAnnotations</c> does at start-up; returns the errors.
    /// </summary>
    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> settings)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            // A Secret's content is not in the manifests: its reference stands for it, lengthened to a key's length.
            values[key] = value.StartsWith("secret:", StringComparison.Ordinal) ? value.PadRight(64, '-') : value;
        }

        // A relative Rerank:WeightsFile is resolved against the service's own folder (RerankOptions.ResolveWeightsPath).
        var configuration = new ConfigurationBuilder().AddJsonFile(AppSettings).AddInMemoryCollection(values).Build();
        if (configuration["Rerank:WeightsFile"] is { Length: > 0 } weights && !Path.IsPathRooted(weights))
        {
            values["Rerank:WeightsFile"] = Path.Combine(Directory, weights);
            configuration = new ConfigurationBuilder().AddJsonFile(AppSettings).AddInMemoryCollection(values).Build();
        }

        var errors = new List<string>();
        foreach (var (section, type) in _sections)
        {
            var options = configuration.GetSection(section).Get(type) ?? Activator.CreateInstance(type)!;
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            {
                errors.AddRange(results.Select(r => $"{Name} {section}: {r.ErrorMessage}"));
            }
        }

        return errors;
    }

    private static bool HasPath(Type type, string[] path)
    {
        if (path.Length == 0)
        {
            return true;
        }

        if (type.IsArray || (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)))
        {
            // An element: "Urls:0".
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().LastOrDefault() ?? typeof(object);
            return int.TryParse(path[0], out _) && HasPath(element, path[1..]);
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is { CanWrite: true } && (path.Length == 1 || HasPath(property.PropertyType, path[1..]));
    }

    private static string? SectionOf(Type type)
    {
        var field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)
            ?? type.GetField("Section", BindingFlags.Public | BindingFlags.Static);
        return field is { IsLiteral: true } && field.FieldType == typeof(string) ? (string?)field.GetRawConstantValue() : null;
    }

    private static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static bool Eq(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>The service's own dependencies from its folder; the shared framework from the test's.</summary>
    private sealed class ServiceLoadContext(string mainAssembly) : AssemblyLoadContext(isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }
}
