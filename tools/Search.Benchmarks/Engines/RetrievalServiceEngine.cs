using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Search.Benchmarks.Corpus;
using Search.Benchmarks.Reporting;
using Search.Evaluation;
using Search.Hosting;
using Rpc = Search.Contracts.V1;

namespace Search.Benchmarks.Engines;

/// <summary>
/// The retrieval service as its own process on loopback with a fresh index, driven over gRPC exactly as the
/// gateway drives it: every measurement includes serialisation and the network hop.
/// </summary>
public sealed class RetrievalServiceEngine : ISearchEngine
{
    // The service's largest page: enough passages for about 100 distinct documents on abstract-sized
    // corpora, as `eval beir` asks for.
    public const int PassagesPerQuery = 200;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan IngestDeadline = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan SearchDeadline = TimeSpan.FromSeconds(30);

    private readonly ServiceProcess _process;
    private readonly GrpcChannel _channel;
    private readonly Rpc.Retrieval.RetrievalClient _client;
    private readonly string _dataDirectory;
    private long _ingestStarted;
    private TimeSpan? _ingestStartCpu;

    // How often the vector backlog is polled: well below the figures it measures (seconds).
    private static readonly TimeSpan VectorPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Whether the timed queries ask for the hits' ids only (<c>ids_only</c>): the ranking is all the benchmark reads, as
    /// FTS5 returns rowids. Off only to see what the passages' text costs (<see cref="Scenarios.AnswerSizeProbe"/>).
    /// </summary>
    public bool IdsOnly { get; set; } = true;

    private RetrievalServiceEngine(ServiceProcess process, string dataDirectory, ServiceKeys keys)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        _channel = GrpcChannel.ForAddress(process.GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        // Signed as the gateway signs its calls: retrieval takes calls and writes from the key holder only.
        _client = new Rpc.Retrieval.RetrievalClient(
            _channel.Intercept(new Microsoft.Extensions.Hosting.ServiceTokenInterceptor(keys.CallKey, keys.WriteKey, TimeProvider.System)));
    }

    public string Name => "service";

    /// <summary>The built assembly that is started: the Release build, whatever this tool was built as.</summary>
    public static string ServiceAssembly => RepoLayout.ServiceAssembly("Retrieval");

    /// <summary>The ranking and passage settings the started service reads from its appsettings.json.</summary>
    public static string DescribeSettings(IReadOnlyList<string> overrides)
    {
        var overridden = overrides.Count == 0 ? "" : "; overridden: " + string.Join(' ', overrides);
        var path = Path.Combine(Path.GetDirectoryName(ServiceAssembly)!, "appsettings.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!json.RootElement.TryGetProperty("Retrieval", out var section))
        {
            return "defaults (no Retrieval section in appsettings.json)" + overridden;
        }

        string[] keys = ["Backend", "Bm25K1", "Bm25B", "TitleBoost", "PassageWords", "StreamBatchSize"];
        var embeddings = section.TryGetProperty("Embeddings", out var e) && e.ValueKind == JsonValueKind.Object
            ? ", Embeddings: " + string.Join(" ", e.EnumerateObject().Select(p => $"{p.Name}={p.Value}"))
            : "";
        return string.Join(", ", keys.Where(k => section.TryGetProperty(k, out _)).Select(k => $"{k}={section.GetProperty(k)}")) + embeddings + overridden;
    }

    /// <summary>Starts the Release build of Search.Retrieval on a free loopback port over an empty index in <paramref name="dataDirectory"/>.</summary>
    /// <param name="settings">Extra "--Retrieval:Key=value" arguments; none measures the shipped defaults.</param>
    public static async Task<RetrievalServiceEngine> StartAsync(string dataDirectory, IReadOnlyList<string> settings, CancellationToken ct)
    {
        var address = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        var keys = ServiceKeys.Random();
        var process = new ServiceProcess("Retrieval", address,
            [
                $"--Retrieval:DataDirectory={dataDirectory}",
                $"--Kestrel:Endpoints:Grpc:Url={address}",
                // The HTTP/1.1 metrics endpoint too, so a cluster running beside the benchmark keeps its ports.
                $"--Kestrel:Endpoints:Metrics:Url=http://127.0.0.1:{LoopbackPorts.Free()}",
                .. settings,
            ],
            log: null,
            keys.EnvironmentFor("Retrieval"));
        try
        {
            process.Start();
            await process.WaitHealthyAsync(StartTimeout, ct);
            return new RetrievalServiceEngine(process, dataDirectory, keys);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public async Task<IngestMeasurement> IngestAsync(IReadOnlyList<BenchmarkDocument> documents, ProgressLog progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        _ingestStarted = Stopwatch.GetTimestamp();
        _ingestStartCpu = ServerProcessorTime();
        using var call = _client.UpsertDocumentStream(deadline: DateTime.UtcNow + IngestDeadline, cancellationToken: ct);
        foreach (var document in documents)
        {
            await call.RequestStream.WriteAsync(new Rpc.Document { Id = document.Id, Title = document.Title, Text = document.Text, Lang = "en" }, ct);
            progress.Advance();
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        clock.Stop();
        if (response.Rejected.Count > 0)
        {
            var first = response.Rejected[0];
            throw new InvalidOperationException($"the service rejected {response.Rejected.Count} documents, the first ({first.DocumentId}) because {first.Reason}");
        }

        return new IngestMeasurement(response.Accepted, response.Passages, clock.Elapsed);
    }

    public async ValueTask<IReadOnlyList<string>> SearchAsync(string query, CancellationToken ct)
    {
        var response = await _client.SearchAsync(
            new Rpc.RetrieveRequest { Query = query, TopK = PassagesPerQuery, IdsOnly = IdsOnly },
            deadline: DateTime.UtcNow + SearchDeadline,
            cancellationToken: ct);
        var documents = RankingMetrics.DocumentsByBestPassage(response.Passages.Select(p => p.Passage.DocumentId));
        return documents.Count > ISearchEngine.RankDepth ? documents[..ISearchEngine.RankDepth] : documents;
    }

    /// <summary>
    /// After <see cref="IngestAsync"/> returned: checks that the last document is found at once, then polls the stats
    /// until no passage waits for its vector. Times count from the opening of the ingest stream; null when nothing
    /// was pending at the acknowledgement (embeddings off).
    /// </summary>
    public async Task<VectorBacklog?> WaitForVectorsAsync(BenchmarkDocument lastDocument, IngestMeasurement ingest, TextWriter log, CancellationToken ct)
    {
        var probe = await _client.SearchAsync(
            new Rpc.RetrieveRequest { Query = lastDocument.Title.Length > 0 ? lastDocument.Title : lastDocument.Text[..Math.Min(200, lastDocument.Text.Length)], TopK = PassagesPerQuery },
            deadline: DateTime.UtcNow + SearchDeadline,
            cancellationToken: ct);
        var found = probe.Passages.Any(p => p.Passage.DocumentId == lastDocument.Id);
        var stats = await _client.GetStatsAsync(new Rpc.GetStatsRequest(), deadline: DateTime.UtcNow + SearchDeadline, cancellationToken: ct);
        var pendingAtAck = stats.PassagesPendingVectors;
        if (pendingAtAck == 0)
        {
            return null;
        }

        var lastPrint = TimeSpan.Zero;
        while (stats.PassagesPendingVectors > 0)
        {
            await Task.Delay(VectorPoll, ct);
            stats = await _client.GetStatsAsync(new Rpc.GetStatsRequest(), deadline: DateTime.UtcNow + SearchDeadline, cancellationToken: ct);
            var elapsed = Stopwatch.GetElapsedTime(_ingestStarted);
            if (elapsed - lastPrint >= TimeSpan.FromSeconds(5))
            {
                lastPrint = elapsed;
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"service vectors: {stats.PassagesPendingVectors:N0} passages pending after {elapsed.TotalSeconds:0} s"));
            }
        }

        var embeddedAfter = Stopwatch.GetElapsedTime(_ingestStarted);
        var cpu = ServerProcessorTime() - _ingestStartCpu;
        return new VectorBacklog(
            ingest.Elapsed.TotalSeconds,
            found,
            pendingAtAck,
            embeddedAfter.TotalSeconds,
            ingest.Passages ?? 0,
            (ingest.Passages ?? 0) / Math.Max(embeddedAfter.TotalSeconds, 1e-9),
            cpu?.TotalSeconds);
    }

    /// <summary>Mean size of the serialised answers to <paramref name="queries"/> as the timed queries ask (<see cref="IdsOnly"/>), measured outside any timing.</summary>
    public async Task<double> MeanResponseBytesAsync(IEnumerable<string> queries, CancellationToken ct)
    {
        var sizes = new List<int>();
        foreach (var query in queries)
        {
            var response = await _client.SearchAsync(new Rpc.RetrieveRequest { Query = query, TopK = PassagesPerQuery, IdsOnly = IdsOnly }, deadline: DateTime.UtcNow + SearchDeadline, cancellationToken: ct);
            sizes.Add(response.CalculateSize());
        }

        return sizes.Count == 0 ? 0 : sizes.Average();
    }

    /// <summary>What the index holds, as the service counts it.</summary>
    public async Task<(long Documents, long Passages)> GetStatsAsync(CancellationToken ct)
    {
        var stats = await _client.GetStatsAsync(new Rpc.GetStatsRequest(), deadline: DateTime.UtcNow + SearchDeadline, cancellationToken: ct);
        return (stats.Documents, stats.Passages);
    }

    /// <summary>CPU time the service process has used so far (user + system, all threads).</summary>
    public TimeSpan? ServerProcessorTime()
    {
        using var process = Process.GetProcessById(_process.ProcessId ?? throw new InvalidOperationException("the service is not running"));
        return process.TotalProcessorTime;
    }

    public long IndexBytes() =>
        Directory.Exists(_dataDirectory)
            ? new DirectoryInfo(_dataDirectory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _process.DisposeAsync();
    }
}
