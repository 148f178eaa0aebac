using System.Globalization;
using System.Runtime.InteropServices;
using Search.Client;
using Search.Hosting;
using Search.Launcher;

// `make run`: the whole cluster on this machine, one process per service, until Ctrl-C.
var dataDirectory = RepoLayout.DefaultDataDirectory;
var demo = true;
var verbose = false;
ClusterPorts? ports = null;
var settings = new Dictionary<string, List<string>>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data-dir" when i + 1 < args.Length:
            dataDirectory = Path.GetFullPath(args[++i]);
            break;
        case "--port-base" when i + 1 < args.Length:
            if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var first) || first < 1024 || first > 65535 - ClusterPorts.Span + 1)
            {
                Console.Error.WriteLine($"--port-base must be a port from 1024 to {65535 - ClusterPorts.Span + 1}, got '{args[i]}'");
                return 2;
            }

            ports = ClusterPorts.FromBase(first);
            break;
        case "--no-demo":
            demo = false;
            break;
        case "--verbose":
            verbose = true;
            break;
        case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains(':', StringComparison.Ordinal) && setting.Contains('=', StringComparison.Ordinal):
            // "--Retrieval:Bm25K1=0.9" goes to the service its section names.
            var section = setting[2..setting.IndexOf(':', StringComparison.Ordinal)];
            if (!LocalCluster.ServiceNames.Contains(section))
            {
                Console.Error.WriteLine($"'{setting}': the section must name a service ({string.Join(", ", LocalCluster.ServiceNames)})");
                return 2;
            }

            settings.TryAdd(section, []);
            settings[section].Add(setting);
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: Search.Launcher [--data-dir DIR] [--port-base N] [--no-demo] [--verbose] [--Service:Key=value ...]");
            Console.WriteLine("Starts router, retrieval, rerank, answer and gateway on 127.0.0.1 and serves the page at http://127.0.0.1:8080/.");
            Console.WriteLine("--port-base N runs a second cluster beside the default one on the twelve ports from N: gateway REST N,");
            Console.WriteLine("  gateway gRPC N+1 (search-cli --gateway http://127.0.0.1:N+1), router, retrieval, rerank, answer N+2..N+5,");
            Console.WriteLine("  redis N+6, metrics N+7..N+10 (gateway's N+11); give it its own --data-dir.");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}' (try --help)");
            return 2;
    }
}

using var stopping = new CancellationTokenSource();
// Ctrl-C and `kill` both end in an orderly stop of every child process.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var options = new ClusterOptions
{
    Ports = ports ?? ClusterPorts.Default,
    DataDirectory = dataDirectory,
    Log = verbose ? Console.WriteLine : null,
    ExtraArguments = settings.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value),
    AnswerCache = true,
};
await using var cluster = new LocalCluster(options);
try
{
    Console.WriteLine($"starting {string.Join(", ", LocalCluster.ServiceNames).ToLowerInvariant()} (index: {dataDirectory})");
    await cluster.StartAsync(stopping.Token);
    Console.WriteLine("all five services are ready (warmed up): " + string.Join(", ", LocalCluster.ServiceNames.Select(n =>
        $"{n.ToLowerInvariant()} {cluster[n].TimeToReady?.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s")));
    Console.WriteLine(cluster.Redis is { } redis
        ? $"answer cache: redis-server on 127.0.0.1:{redis.Port} (password of this run only, maxmemory {RedisProcess.DefaultMaxMemory}, {RedisProcess.MemoryPolicy})"
        : "answer cache: off (redis-server is not installed; apt-get install redis-server)");

    if (demo)
    {
        using var client = new SearchClient(cluster.GatewayGrpcAddress, new SearchClientOptions { ApiKey = cluster.IngestApiKey });
        await DemoCorpus.IngestIfEmptyAsync(client, RepoLayout.DemoCorpus, Console.WriteLine, stopping.Token);
    }

    Console.WriteLine();
    Console.WriteLine($"  answer box page:  {cluster.GatewayHttpAddress}/");
    Console.WriteLine($"  REST:             curl '{cluster.GatewayHttpAddress}/api/search?q=Who+developed+general+relativity'");
    Console.WriteLine($"  gRPC (gateway):   {cluster.GatewayGrpcAddress}");
    Console.WriteLine($"  metrics:          http://127.0.0.1:{options.Ports.MetricsPortOf("Gateway")}/metrics (internal ports only)");
    Console.WriteLine($"  ingest:           curl -H 'X-Api-Key: {cluster.IngestApiKey}' --data-binary @docs.jsonl {cluster.GatewayHttpAddress}/api/documents");
    Console.WriteLine($"  review console:   {cluster.GatewayHttpAddress}/review (reviewer key: {cluster.ReviewApiKey})");
    Console.WriteLine();
    Console.WriteLine("Ctrl-C stops every service.");
    await Task.Delay(Timeout.Infinite, stopping.Token);
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or FileNotFoundException or GatewayUnreachableException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
finally
{
    Console.WriteLine("stopping…");
}

return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}
