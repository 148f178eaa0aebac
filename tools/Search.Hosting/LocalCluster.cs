using System.Net;

namespace Search.Hosting;

/// <summary>Loopback ports of the five services.</summary>
/// <param name="Metrics">Internal HTTP/1.1 ports of router, retrieval, rerank, answer and the gateway for /metrics and /health (the only ports serving /metrics).</param>
public sealed record ClusterPorts(int GatewayHttp, int GatewayGrpc, int Router, int Retrieval, int Rerank, int Answer, int Redis, IReadOnlyList<int> Metrics)
{
    /// <summary>The documented defaults (README). Redis is off the usual 6379, so a Redis of the user's own is left alone.</summary>
    public static ClusterPorts Default { get; } = new(8080, 8081, 5101, 5102, 5103, 5104, 6390, [9101, 9102, 9103, 9104, 9100]);

    /// <summary>How many ports <see cref="FromBase"/> takes.</summary>
    public const int Span = 12;

    /// <summary>
    /// Twelve consecutive ports from <paramref name="first"/>, for a second cluster beside the default one: gateway
    /// REST, gateway gRPC, router, retrieval, rerank, answer, Redis, then the five metrics ports (the gateway's last).
    /// </summary>
    public static ClusterPorts FromBase(int first)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, 65535 - Span + 1);
        return new(first, first + 1, first + 2, first + 3, first + 4, first + 5, first + 6, [first + 7, first + 8, first + 9, first + 10, first + 11]);
    }

    /// <summary>Ports the OS reports free right now, for tests that run beside other clusters.</summary>
    public static ClusterPorts Free()
    {
        var ports = LoopbackPorts.Free(Span);
        return new(ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6], ports[7..Span]);
    }

    /// <summary>The internal HTTP/1.1 port serving /metrics of <paramref name="service"/>.</summary>
    public int MetricsPortOf(string service) => service switch
    {
        "Router" => Metrics[0],
        "Retrieval" => Metrics[1],
        "Rerank" => Metrics[2],
        "Answer" => Metrics[3],
        "Gateway" => Metrics[4],
        _ => throw new ArgumentException($"no service '{service}'", nameof(service)),
    };
}

/// <summary>How to start a local cluster.</summary>
public sealed record ClusterOptions
{
    public ClusterPorts Ports { get; init; } = ClusterPorts.Default;

    /// <summary>Where the retrieval index lives.</summary>
    public string DataDirectory { get; init; } = RepoLayout.DefaultDataDirectory;

    /// <summary>Where the gateway keeps its feedback database (feedback.db).</summary>
    public string GatewayDataDirectory { get; init; } = RepoLayout.DefaultGatewayDataDirectory;

    /// <summary>Extra configuration per service name ("Answer" → ["--Answer:TargetPrecision=0.8"]).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraArguments { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Receives every line the services print (null: keep them quiet).</summary>
    public Action<string>? Log { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Environment variables for every service process (e.g. OTEL_EXPORTER_OTLP_ENDPOINT).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Start a redis-server for the gateway's answer cache (when the binary is installed).</summary>
    public bool AnswerCache { get; init; }
}

/// <summary>
/// The five services as separate processes on loopback: what `make run` starts and
/// what the cluster tests run against.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    public static readonly string[] ServiceNames = ["Router", "Retrieval", "Rerank", "Answer", "Gateway"];

    private readonly Dictionary<string, ServiceProcess> _services;

    public LocalCluster(ClusterOptions options)
    {
        Options = options;
        var p = options.Ports;
        if (options.AnswerCache && RedisProcess.FindServer() is not null)
        {
            Redis = new RedisProcess(p.Redis, RedisProcess.NewPassword());
        }

        _services = new Dictionary<string, ServiceProcess>
        {
            ["Router"] = Create("Router", p.Router, []),
            ["Retrieval"] = Create("Retrieval", p.Retrieval, [$"--Retrieval:DataDirectory={options.DataDirectory}"]),
            ["Rerank"] = Create("Rerank", p.Rerank, []),
            ["Answer"] = Create("Answer", p.Answer, []),
            ["Gateway"] = Create("Gateway", p.GatewayGrpc,
            [
                $"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{p.GatewayHttp}",
                $"--Gateway:RouterAddress={Loopback(p.Router)}",
                $"--Gateway:RetrievalAddress={Loopback(p.Retrieval)}",
                $"--Gateway:RerankAddress={Loopback(p.Rerank)}",
                $"--Gateway:AnswerAddress={Loopback(p.Answer)}",
                $"--Gateway:Feedback:Database={Path.Combine(options.GatewayDataDirectory, "feedback.db")}",
                // The launcher's explicitly local settings (the documented keys); the gateway runs as Production.
                .. RepoLayout.LocalClusterSettings().Select(kv => $"--{kv.Key}={kv.Value}"),
            ]),
        };
    }

    public ClusterOptions Options { get; }

    public string GatewayHttpAddress => Loopback(Options.Ports.GatewayHttp);

    public string GatewayGrpcAddress => Loopback(Options.Ports.GatewayGrpc);

    /// <summary>This cluster's service-to-service keys (ServiceAuth), new for every cluster.</summary>
    public ServiceKeys Keys { get; } = ServiceKeys.Random();

    /// <summary>The key the gateway wants for ingest and delete (the launcher's local configuration).</summary>
    public string IngestApiKey { get; } = RepoLayout.DevelopmentApiKey();

    /// <summary>The key of the gateway's review console (the launcher's local configuration).</summary>
    public string ReviewApiKey { get; } = RepoLayout.DevelopmentReviewKey();

    public ServiceProcess this[string name] => _services[name];

    /// <summary>The answer cache's Redis, when <see cref="ClusterOptions.AnswerCache"/> asked for one and redis-server is installed.</summary>
    public RedisProcess? Redis { get; }

    /// <summary>
    /// Starts every service and waits until each answers its health check. Ready means warm: each service warms itself
    /// before it says SERVING (the gateway with searches of its own that are not traffic), so nothing is sent here.
    /// </summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(Options.DataDirectory);
        if (Redis is not null)
        {
            await Redis.StartAsync(ct);
        }

        foreach (var name in ServiceNames)
        {
            _services[name].Start();
        }

        await Task.WhenAll(ServiceNames.Select(n => _services[n].WaitHealthyAsync(Options.StartTimeout, ct)));
    }

    /// <summary>Starts one service again (after a kill or stop) and waits until it is healthy.</summary>
    public async Task RestartAsync(string name, CancellationToken ct = default)
    {
        var service = _services[name];
        service.Start();
        await service.WaitHealthyAsync(Options.StartTimeout, ct);
    }

    public async ValueTask DisposeAsync()
    {
        // Gateway first, so no request is half-way through a stopping service.
        foreach (var name in ServiceNames.Reverse())
        {
            await _services[name].DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }

    private ServiceProcess Create(string name, int grpcPort, List<string> arguments)
    {
        arguments.Insert(0, $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{grpcPort}");
        arguments.Insert(1, $"--Kestrel:Endpoints:Metrics:Url=http://127.0.0.1:{Options.Ports.MetricsPortOf(name)}");

        if (Options.ExtraArguments.TryGetValue(name, out var extra))
        {
            arguments.AddRange(extra);
        }

        var environment = Keys.EnvironmentFor(name).ToDictionary();
        if (name == "Gateway")
        {
            // In the environment like the keys: the connection string holds Redis's password.
            environment["Gateway__Cache__Redis"] = Redis?.Configuration ?? "";
        }

        foreach (var (key, value) in Options.Environment)
        {
            environment[key] = value;
        }

        return new ServiceProcess(name, Loopback(grpcPort), arguments, Options.Log, environment);
    }

    private static string Loopback(int port) => $"http://127.0.0.1:{port}";
}
