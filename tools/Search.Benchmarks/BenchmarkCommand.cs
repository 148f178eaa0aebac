using System.CommandLine;
using System.CommandLine.Help;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Search.Evaluation;
using Search.Hosting;

namespace Search.Benchmarks;

/// <summary>
/// The benchmark's command line: its options, each checked as it is parsed, and the service settings
/// ("--Retrieval:Key=value") that are passed through to the service as the launcher passes them.
/// </summary>
public sealed class BenchmarkCommand
{
    private const string Description = """
        Measures the retrieval service (its own process, a fresh index, gRPC on loopback) against SQLite FTS5
        (in this process, a temporary file database) in the same run, and prints a Markdown table per scenario.

        scifact: BEIR SciFact; ingest 5,183 abstracts, run the 809 train queries; ingest rate, latency p50/p99,
        nDCG@10, Recall@100, MRR@10. FTS5 twice: unicode61 and porter unicode61.
        200k: generated English documents until the service holds --passages passages; ingest rate and query
        latency of the service and FTS5 (porter). No quality metric.

        --Retrieval:Key=value (any number of them) is a service setting for this run
        (e.g. --Retrieval:StreamBatchSize=5000); without any, the shipped appsettings.json is what is measured.

        The service started is services/Search.Retrieval built in this tool's configuration (building the tool
        builds it): build and run with -c Release. Ctrl-C stops the service and deletes the temporary files.
        """;

    private readonly Option<ScenarioSelection?> _scenario = new("--scenario")
    {
        HelpName = "scifact|200k|all",
        Description = "the scenarios to run (default all)",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            switch (text)
            {
                case "all":
                    return ScenarioSelection.All;
                case "scifact":
                    return ScenarioSelection.SciFact;
                case "200k":
                    return ScenarioSelection.Large;
                default:
                    result.AddError($"--scenario must be scifact, 200k or all, got '{text}'");
                    return null;
            }
        },
    };

    private readonly Option<string> _data = new("--data")
    {
        HelpName = "DIR",
        Description = "the shared data folder (default: $SEARCH_DATA_DIR, else ../shared/data beside the repository)",
    };

    private readonly Option<int?> _passages = WholeNumber("--passages",
        $"passages of the large scenario (default {BenchmarkSettings.DefaultPassages})", 1_000, 10_000_000);

    private readonly Option<int?> _queries = WholeNumber("--queries",
        "timed queries per engine (scifact: the first N train queries, default all; 200k: default " +
        $"{BenchmarkSettings.DefaultLargeQueries}, half SciFact claims and half generated keyword queries)", 1, 100_000);

    private readonly Option<string> _out = new("--out")
    {
        HelpName = "FILE",
        Description = "the JSON report (default .data/benchmarks/results.json in the repository)",
    };

    private readonly Option<int?> _seed = WholeNumber("--seed",
        $"seed of the generated corpus and queries (default {BenchmarkSettings.DefaultSeed})", 0, int.MaxValue);

    public BenchmarkCommand()
    {
        Root = new RootCommand(Description) { _scenario, _data, _passages, _queries, _out, _seed };
        // Written to a file or a pipe, help is wrapped as it is on a terminal rather than left in one long line per option.
        if (Console.IsOutputRedirected && Root.Options.OfType<HelpOption>().Single().Action is HelpAction help)
        {
            help.MaxWidth = 110;
        }
    }

    public RootCommand Root { get; }

    /// <summary>Whether <paramref name="argument"/> is a setting for the service ("--Retrieval:Key=value") rather than an option of the benchmark.</summary>
    public static bool IsServiceSetting(string argument) =>
        argument.StartsWith("--Retrieval:", StringComparison.Ordinal) && argument.Contains('=', StringComparison.Ordinal);

    /// <summary>Parses the benchmark's own options: every argument but the service settings.</summary>
    public ParseResult Parse(IEnumerable<string> args) => Root.Parse(args.Where(a => !IsServiceSetting(a)).ToList());

    /// <summary>The settings of a command line that parsed without errors; false, with the reason, when the data folder or a service setting will not do.</summary>
    public bool TryRead(ParseResult line, IReadOnlyList<string> serviceSettings, [NotNullWhen(true)] out BenchmarkSettings? settings, [NotNullWhen(false)] out string? problem)
    {
        settings = null;
        if (serviceSettings.FirstOrDefault(s => s.StartsWith("--Retrieval:DataDirectory=", StringComparison.OrdinalIgnoreCase)) is { } dataDirectory)
        {
            problem = $"'{dataDirectory}': the benchmark gives the service a fresh temporary index";
            return false;
        }

        var data = line.GetValue(_data) is { } given ? Path.GetFullPath(given) : SharedData.Root;
        if (data is null || !Directory.Exists(data))
        {
            problem = data is null
                ? "the shared data folder was not found: pass --data DIR or set SEARCH_DATA_DIR"
                : $"--data '{data}' is not a folder";
            return false;
        }

        problem = null;
        settings = new BenchmarkSettings(
            data,
            line.GetValue(_scenario) ?? ScenarioSelection.All,
            line.GetValue(_passages) ?? BenchmarkSettings.DefaultPassages,
            line.GetValue(_queries),
            Path.GetFullPath(line.GetValue(_out) ?? Path.Combine(RepoLayout.Root, ".data", "benchmarks", "results.json")),
            line.GetValue(_seed) ?? BenchmarkSettings.DefaultSeed,
            serviceSettings);
        return true;
    }

    private static Option<int?> WholeNumber(string name, string description, int min, int max) => new(name)
    {
        HelpName = "N",
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            {
                return n;
            }

            result.AddError($"{name} must be a whole number from {min} to {max}, got '{text}'");
            return null;
        },
    };
}
