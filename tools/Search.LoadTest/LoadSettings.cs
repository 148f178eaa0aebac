using System.Globalization;
using System.Text.RegularExpressions;
using Search.Cli.Commands;

namespace Search.LoadTest;

public enum TargetProtocol
{
    Rest,
    Grpc,
}

/// <summary>What one load test does, from its command line.</summary>
public sealed partial record LoadSettings
{
    public const string Usage = """
        usage: Search.LoadTest --target URL --queries FILE (--rate R | --concurrency N) [options]

        Loads the gateway with searches and reports throughput, latency percentiles, errors by status,
        the cache hit ratio, degraded responses and the answer-box rate.

          --target URL        the gateway: REST address (http://127.0.0.1:8080) or, with --protocol grpc,
                              its gRPC address (http://127.0.0.1:8081)
          --protocol P        rest (default) or grpc
          --call C            search (default: the whole pipeline) or, with --protocol grpc, retrieve (the
                              gateway's Retrieve: BM25 passages alone, no rerank, answer or cache), to set
                              an answered query's cost against a plain keyword search
          --rate R            open loop: R requests per second on a fixed schedule, whatever the answers do;
                              latency counts from when each request was due, so a slow server cannot hide it
          --concurrency N     closed loop instead: N workers, each sending when its previous answer arrived
          --duration T        how long to measure, after the warm-up (default 30s; 500ms, 30s, 2m, 1h)
          --warmup T          sent first and not measured (default 5s; 0s for none)
          --requests N        stop after N measured requests, if that comes before --duration
          --queries FILE      one query per line (.tsv: the first column), SQuAD JSON (every question) or
                              JSONL with a "question" field; gzip is recognised
          --repeat S          share of requests (0..1) that re-ask a query sent earlier (default 0)
          --k N               results per search, 1..50 (default: the gateway's)
          --lang L            en, zh-Hans or zh-Hant (default: detected by the gateway)
          --timeout T         per request (default 10s); counted as error "timeout"
          --max-inflight N    open loop: requests waiting for answers at most (default 1000); a request due
                              beyond that is not sent and counts as error "client_overload"
          --out FILE          write the full report as JSON
          --plot FILE         draw the latency by percentile as a PNG
          --seed N            seed of the query order (default: random, printed in the report)

        The last line of the output is `rps=… p50_ms=… p99_ms=… errors=… hit_ratio=…`.
        exit codes: 0 done, 1 nothing succeeded or a file could not be read or written, 2 bad command line
        """;

    private const string Command = "loadtest";

    private static readonly string[] ValueOptions =
    [
        "--target", "--protocol", "--call", "--rate", "--concurrency", "--duration", "--warmup", "--requests", "--queries",
        "--repeat", "--k", "--lang", "--timeout", "--max-inflight", "--out", "--plot", "--seed",
    ];

    public required Uri Target { get; init; }

    public TargetProtocol Protocol { get; init; } = TargetProtocol.Rest;

    /// <summary>True for --call retrieve: BM25 retrieval through the gateway instead of the whole pipeline.</summary>
    public bool RetrieveOnly { get; init; }

    /// <summary>Requests per second of the open loop; null for the closed loop.</summary>
    public double? Rate { get; init; }

    /// <summary>Workers of the closed loop; null for the open loop.</summary>
    public int? Concurrency { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Measured requests at most; null for as many as <see cref="Duration"/> allows.</summary>
    public long? Requests { get; init; }

    public required string QueriesPath { get; init; }

    public double Repeat { get; init; }

    /// <summary>Results per search; 0 for the gateway's default.</summary>
    public int K { get; init; }

    public string? Language { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxInflight { get; init; } = 1000;

    public string? ReportPath { get; init; }

    public string? PlotPath { get; init; }

    public int Seed { get; init; }

    public bool IsOpenLoop => Rate is not null;

    /// <summary>Parses a command line; null when help was asked. Throws <see cref="UsageException"/> with a message naming the option.</summary>
    public static LoadSettings? Parse(IReadOnlyList<string> args)
    {
        var line = CommandLine.Parse(Command, args, ValueOptions);
        if (line.Help)
        {
            return null;
        }

        line.ExpectPositionals();
        var rate = Positive(line, "--rate", max: 1_000_000);
        int? concurrency = line.Value("--concurrency") is null ? null : line.Number("--concurrency", 0, 1, 100_000);
        if (rate is null == concurrency is null)
        {
            throw new UsageException(rate is null
                ? "give --rate R (open loop) or --concurrency N (closed loop)"
                : "--rate and --concurrency exclude each other: --rate is the open loop, --concurrency the closed loop");
        }

        var protocol = line.Value("--protocol") switch
        {
            null or "rest" => TargetProtocol.Rest,
            "grpc" => TargetProtocol.Grpc,
            var other => throw new UsageException($"--protocol must be rest or grpc, got '{other}'"),
        };
        var retrieveOnly = line.Value("--call") switch
        {
            null or "search" => false,
            "retrieve" when protocol == TargetProtocol.Grpc => true,
            "retrieve" => throw new UsageException("--call retrieve needs --protocol grpc (the gateway's Retrieve is a gRPC call)"),
            var other => throw new UsageException($"--call must be search or retrieve, got '{other}'"),
        };
        var target = line.Required("--target");
        if (!Uri.TryCreate(target, UriKind.Absolute, out var targetUri) || (targetUri.Scheme != Uri.UriSchemeHttp && targetUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--target must be an absolute http:// or https:// URL, got '{target}'");
        }

        var language = line.Value("--lang");
        if (language is not (null or "" or "en" or "zh-Hans" or "zh-Hant"))
        {
            throw new UsageException($"--lang must be en, zh-Hans or zh-Hant, got '{language}'");
        }

        var repeat = Fraction(line, "--repeat");
        long? requests = line.Value("--requests") is { } count
            ? long.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n
                : throw new UsageException($"--requests must be a whole number of at least 1, got '{count}'")
            : null;

        return new LoadSettings
        {
            Target = targetUri,
            Protocol = protocol,
            RetrieveOnly = retrieveOnly,
            Rate = rate,
            Concurrency = concurrency,
            Duration = TimeOption(line, "--duration", TimeSpan.FromSeconds(30), allowZero: false),
            Warmup = TimeOption(line, "--warmup", TimeSpan.FromSeconds(5), allowZero: true),
            Requests = requests,
            QueriesPath = line.Required("--queries"),
            Repeat = repeat,
            K = line.Number("--k", 0, 1, 50),
            Language = string.IsNullOrEmpty(language) ? null : language,
            Timeout = TimeOption(line, "--timeout", TimeSpan.FromSeconds(10), allowZero: false),
            MaxInflight = line.Number("--max-inflight", 1000, 1, 1_000_000),
            ReportPath = NonBlank(line, "--out"),
            PlotPath = NonBlank(line, "--plot"),
            Seed = line.Value("--seed") is null ? Random.Shared.Next() : line.Number("--seed", 0, 0, int.MaxValue),
        };
    }

    /// <summary>Reads a time such as 500ms, 30s, 2m, 1.5h; a bare number is refused, since its unit would be a guess.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var milliseconds = match.Groups["unit"].Value switch
        {
            "ms" => number,
            "s" => number * 1_000,
            "m" => number * 60_000,
            _ => number * 3_600_000,
        };
        if (milliseconds > TimeSpan.FromDays(7).TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>A duration the way the command line writes it ("30s", "1.5s", "500ms", "2m").</summary>
    public static string FormatDuration(TimeSpan duration) =>
        duration.TotalMilliseconds < 1_000 && duration.TotalMilliseconds % 1 == 0
            ? $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
            : $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";

    private static TimeSpan TimeOption(CommandLine line, string option, TimeSpan defaultValue, bool allowZero)
    {
        if (line.Value(option) is not { } text)
        {
            return defaultValue;
        }

        if (!TryParseDuration(text, out var duration) || (duration == TimeSpan.Zero && !allowZero))
        {
            throw new UsageException($"{option} must be a {(allowZero ? "" : "positive ")}time like 500ms, 30s or 2m, got '{text}'");
        }

        return duration;
    }

    private static double? Positive(CommandLine line, string option, double max)
    {
        if (line.Value(option) is not { } text)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || value > max)
        {
            throw new UsageException($"{option} must be a number above 0 and at most {max.ToString(CultureInfo.InvariantCulture)}, got '{text}'");
        }

        return value;
    }

    private static double Fraction(CommandLine line, string option)
    {
        if (line.Value(option) is not { } text)
        {
            return 0;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= 0 && value <= 1))
        {
            throw new UsageException($"{option} must be a share from 0 to 1, got '{text}'");
        }

        return value;
    }

    private static string? NonBlank(CommandLine line, string option) =>
        line.Value(option) switch
        {
            null => null,
            { } value when !string.IsNullOrWhiteSpace(value) => value,
            _ => throw new UsageException($"{option} needs a file name"),
        };

    [GeneratedRegex(@"^(?<number>\d+(\.\d+)?)(?<unit>ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
