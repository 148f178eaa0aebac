using System.CommandLine;
using System.CommandLine.Help;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Search.LoadTest;

/// <summary>
/// The load test's command line: its options, each checked as it is parsed with a message naming it, and the
/// <see cref="LoadSettings"/> they give once the options that parse alone are seen to go together.
/// </summary>
public sealed class LoadCommand
{
    private const string Description = """
        Loads the gateway with searches and reports throughput, latency percentiles, errors by status, the cache hit
        ratio, degraded responses and the answer-box rate. Give --rate R (open loop) or --concurrency N (closed loop).

        The last line of the output is `rps=… p50_ms=… p99_ms=… errors=… hit_ratio=…`.
        Exit codes: 0 done, 1 nothing succeeded or a file could not be read or written, 2 bad command line.
        """;

    private readonly Option<Uri> _target = Checked<Uri>("--target", "URL",
        "the gateway: REST address (http://127.0.0.1:8080) or, with --protocol grpc, its gRPC address (http://127.0.0.1:8081)",
        "an absolute http:// or https:// URL",
        text => Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null);

    private readonly Option<TargetProtocol?> _protocol = Checked<TargetProtocol?>("--protocol", "P", "rest (default) or grpc", "rest or grpc",
        text => text switch
        {
            "rest" => TargetProtocol.Rest,
            "grpc" => TargetProtocol.Grpc,
            _ => null,
        });

    private readonly Option<string> _call = Checked<string>("--call", "C",
        "search (default: the whole pipeline) or, with --protocol grpc, retrieve (the gateway's Retrieve: BM25 passages " +
        "alone, no rerank, answer or cache), to set an answered query's cost against a plain keyword search, or ingest " +
        "(each request upserts one small document made of a query line; every 10th is searched for until found, which " +
        "measures how soon after its acknowledgement a document is searchable; the run's documents are deleted at its end)",
        "search, retrieve or ingest",
        text => text is "search" or "retrieve" or "ingest" ? text : null);

    private readonly Option<int?> _batch = WholeNumber("--batch", "N",
        "documents per request of --call ingest (default 1)", 1, 1000);

    private readonly Option<string> _apiKey = new("--api-key")
    {
        HelpName = "KEY",
        Description = "the gateway's ingest key for --call ingest (default: $SEARCH_API_KEY)",
    };

    private readonly Option<double?> _rate = Checked<double?>("--rate", "R",
        "open loop: R requests per second on a fixed schedule, whatever the answers do; latency counts from when each " +
        "request was due, so a slow server cannot hide it",
        "a number above 0 and at most 1000000",
        text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0 && rate <= 1_000_000 ? rate : null);

    private readonly Option<int?> _concurrency = WholeNumber("--concurrency", "N",
        "closed loop instead: N workers, each sending when its previous answer arrived", 1, 100_000);

    private readonly Option<TimeSpan?> _duration = Time("--duration",
        $"how long to measure, after the warm-up (default {LoadSettings.FormatDuration(LoadSettings.DefaultDuration)}; 500ms, 30s, 2m, 1h)", allowZero: false);

    private readonly Option<TimeSpan?> _warmup = Time("--warmup",
        $"sent first and not measured (default {LoadSettings.FormatDuration(LoadSettings.DefaultWarmup)}; 0s for none)", allowZero: true);

    private readonly Option<long?> _requests = Checked<long?>("--requests", "N",
        "stop after N measured requests, if that comes before --duration",
        "a whole number of at least 1",
        text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : null);

    private readonly Option<string> _queries = new("--queries")
    {
        HelpName = "FILE",
        Description = "one query per line (.tsv: the first column), SQuAD JSON (every question) or JSONL with a \"question\" field; gzip is recognised",
        Required = true,
    };

    private readonly Option<double?> _repeat = Checked<double?>("--repeat", "S",
        "share of requests (0..1) that re-ask a query sent earlier (default 0)",
        "a share from 0 to 1",
        text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share >= 0 && share <= 1 ? share : null);

    private readonly Option<int?> _k = WholeNumber("--k", "N", "results per search, 1..50 (default: the gateway's)", 1, 50);

    private readonly Option<string> _language = Checked<string>("--lang", "L", "en, zh-Hans or zh-Hant (default: detected by the gateway)", "en, zh-Hans or zh-Hant",
        text => text is "" or "en" or "zh-Hans" or "zh-Hant" ? text : null);

    private readonly Option<TimeSpan?> _timeout = Time("--timeout",
        $"per request (default {LoadSettings.FormatDuration(LoadSettings.DefaultTimeout)}); counted as error \"timeout\"", allowZero: false);

    private readonly Option<int?> _maxInflight = WholeNumber("--max-inflight", "N",
        $"open loop: requests waiting for answers at most (default {LoadSettings.DefaultMaxInflight}); a request due beyond that " +
        "is not sent and counts as error \"client_overload\"", 1, 1_000_000);

    private readonly Option<string> _out = FileName("--out", "write the full report as JSON");

    private readonly Option<string> _plot = FileName("--plot", "draw the latency by percentile as a PNG");

    private readonly Option<int?> _seed = WholeNumber("--seed", "N", "seed of the query order (default: random, printed in the report)", 0, int.MaxValue);

    public LoadCommand()
    {
        _target.Required = true;
        Root = new RootCommand(Description)
        {
            _target, _protocol, _call, _batch, _apiKey, _rate, _concurrency, _duration, _warmup, _requests, _queries, _repeat, _k, _language,
            _timeout, _maxInflight, _out, _plot, _seed,
        };
        // Written to a file or a pipe, help is wrapped as it is on a terminal rather than left in one long line per option.
        if (Console.IsOutputRedirected && Root.Options.OfType<HelpOption>().Single().Action is HelpAction help)
        {
            help.MaxWidth = 110;
        }
    }

    public RootCommand Root { get; }

    public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args);

    /// <summary>
    /// The settings of a command line that parsed without errors; false, with the reason, when options that
    /// parse alone do not go together.
    /// </summary>
    public bool TryRead(ParseResult line, [NotNullWhen(true)] out LoadSettings? settings, [NotNullWhen(false)] out string? problem)
    {
        settings = null;
        var rate = line.GetValue(_rate);
        var concurrency = line.GetValue(_concurrency);
        var protocol = line.GetValue(_protocol) ?? TargetProtocol.Rest;
        var call = line.GetValue(_call) ?? "search";
        var apiKey = line.GetValue(_apiKey) is { Length: > 0 } key ? key : Environment.GetEnvironmentVariable("SEARCH_API_KEY");
        problem = (rate, concurrency, call) switch
        {
            (null, null, _) => "give --rate R (open loop) or --concurrency N (closed loop)",
            ({ }, { }, _) => "--rate and --concurrency exclude each other: --rate is the open loop, --concurrency the closed loop",
            (_, _, "retrieve" or "ingest") when protocol != TargetProtocol.Grpc => $"--call {call} needs --protocol grpc (the gateway's {(call == "ingest" ? "UpsertDocuments" : "Retrieve")} is a gRPC call)",
            (_, _, not "ingest") when line.GetValue(_batch) is not null => "--batch is for --call ingest",
            (_, _, "ingest") when string.IsNullOrEmpty(apiKey) => "--call ingest needs the gateway's ingest key: --api-key KEY or $SEARCH_API_KEY",
            _ => null,
        };
        if (problem is not null)
        {
            return false;
        }

        settings = new LoadSettings
        {
            Target = line.GetRequiredValue(_target),
            Protocol = protocol,
            RetrieveOnly = call == "retrieve",
            Ingest = call == "ingest",
            Batch = line.GetValue(_batch) ?? 1,
            ApiKey = call == "ingest" ? apiKey : null,
            Rate = rate,
            Concurrency = concurrency,
            Duration = line.GetValue(_duration) ?? LoadSettings.DefaultDuration,
            Warmup = line.GetValue(_warmup) ?? LoadSettings.DefaultWarmup,
            Requests = line.GetValue(_requests),
            QueriesPath = line.GetRequiredValue(_queries),
            Repeat = line.GetValue(_repeat) ?? 0,
            K = line.GetValue(_k) ?? 0,
            Language = line.GetValue(_language) is { Length: > 0 } language ? language : null,
            Timeout = line.GetValue(_timeout) ?? LoadSettings.DefaultTimeout,
            MaxInflight = line.GetValue(_maxInflight) ?? LoadSettings.DefaultMaxInflight,
            ReportPath = line.GetValue(_out),
            PlotPath = line.GetValue(_plot),
            Seed = line.GetValue(_seed) ?? Random.Shared.Next(),
        };
        return true;
    }

    /// <summary>An option whose value <paramref name="read"/> turns into a <typeparamref name="T"/>, or refuses with null: "--name must be <paramref name="expected"/>, got '…'".</summary>
    private static Option<T> Checked<T>(string name, string helpName, string description, string expected, Func<string, T?> read) => new(name)
    {
        HelpName = helpName,
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (read(text) is { } value)
            {
                return value;
            }

            result.AddError($"{name} must be {expected}, got '{text}'");
            return default;
        },
    };

    private static Option<int?> WholeNumber(string name, string helpName, string description, int min, int max) =>
        Checked<int?>(name, helpName, description, $"a whole number from {min} to {max}",
            text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null);

    private static Option<TimeSpan?> Time(string name, string description, bool allowZero) =>
        Checked<TimeSpan?>(name, "T", description, allowZero ? "a time like 500ms, 30s or 2m" : "a positive time like 500ms, 30s or 2m",
            text => LoadSettings.TryParseDuration(text, out var time) && (allowZero || time > TimeSpan.Zero) ? time : null);

    private static Option<string> FileName(string name, string description) => new(name)
    {
        HelpName = "FILE",
        Description = description,
        Validators =
        {
            result =>
            {
                if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                {
                    result.AddError($"{name} needs a file name");
                }
            },
        },
    };
}
