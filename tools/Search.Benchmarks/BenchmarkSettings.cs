extern alias cli;

using Search.Evaluation;
using Search.Launcher;
using cli::Search.Cli.Commands;

namespace Search.Benchmarks;

/// <summary>The scenarios one run can measure.</summary>
[Flags]
public enum ScenarioSelection
{
    SciFact = 1,
    Large = 2,
    All = SciFact | Large,
}

/// <summary>The command line of the benchmark, checked.</summary>
public sealed record BenchmarkSettings(
    string DataDirectory,
    ScenarioSelection Scenarios,
    int Passages,
    int? Queries,
    string OutPath,
    int Seed,
    IReadOnlyList<string> ServiceSettings)
{
    /// <summary>Queries of the large scenario when --queries is not given.</summary>
    public const int DefaultLargeQueries = 300;

    /// <summary>Queries each engine answers untimed before the timed pass.</summary>
    public const int WarmUpQueries = 50;

    public const string Help = """
        usage: Search.Benchmarks [--scenario scifact|200k|all] [--data DIR] [--passages N] [--queries N] [--out FILE] [--seed N]
                                 [--Retrieval:Key=value ...]

        Measures the retrieval service (its own process, a fresh index, gRPC on loopback) against SQLite FTS5
        (in this process, a temporary file database) in the same run, and prints a Markdown table per scenario.

          scifact   BEIR SciFact: ingest 5,183 abstracts, run the 809 train queries; ingest rate, latency
                    p50/p99, nDCG@10, Recall@100, MRR@10. FTS5 twice: unicode61 and porter unicode61.
          200k      generated English documents until the service holds --passages passages; ingest rate
                    and query latency of the service and FTS5 (porter). No quality metric.

          --data DIR      the shared data folder (default: $SEARCH_DATA_DIR, else ../shared/data beside the repository)
          --passages N    passages of the large scenario (default 200000)
          --queries N     timed queries per engine (scifact: the first N train queries, default all;
                          200k: default 300, half SciFact claims and half generated keyword queries)
          --out FILE      the JSON report (default .data/benchmarks/results.json in the repository)
          --seed N        seed of the generated corpus and queries (default 20260101)
          --Retrieval:Key=value   a service setting for this run (e.g. --Retrieval:StreamBatchSize=5000);
                          without any, the shipped appsettings.json is what is measured

        The service started is services/Search.Retrieval built in this tool's configuration (building the tool builds
        it): build and run with -c Release. Ctrl-C stops the service and deletes the temporary files.
        """;

    private static readonly string[] ValueOptions = ["--scenario", "--data", "--passages", "--queries", "--out", "--seed"];

    /// <summary>Null with the help printed when -h was asked; throws <see cref="UsageException"/> on a bad line.</summary>
    public static BenchmarkSettings? Parse(string[] args, TextWriter output)
    {
        // Service settings go to the service as they are, as the launcher passes them.
        var serviceSettings = args.Where(IsServiceSetting).ToList();
        if (serviceSettings.FirstOrDefault(s => s.StartsWith("--Retrieval:DataDirectory=", StringComparison.OrdinalIgnoreCase)) is { } dataDirectory)
        {
            throw new UsageException($"'{dataDirectory}': the benchmark gives the service a fresh temporary index");
        }

        var line = CommandLine.Parse("benchmarks", args.Where(a => !IsServiceSetting(a)).ToList(), ValueOptions);
        if (line.Help)
        {
            output.WriteLine(Help);
            return null;
        }

        line.ExpectPositionals();
        var scenarios = line.Value("--scenario") switch
        {
            null or "all" => ScenarioSelection.All,
            "scifact" => ScenarioSelection.SciFact,
            "200k" => ScenarioSelection.Large,
            var other => throw new UsageException($"--scenario must be scifact, 200k or all, got '{other}'"),
        };
        var data = line.Value("--data") is { } given ? Path.GetFullPath(given) : SharedData.Root;
        if (data is null || !Directory.Exists(data))
        {
            throw new UsageException(data is null
                ? "the shared data folder was not found: pass --data DIR or set SEARCH_DATA_DIR"
                : $"--data '{data}' is not a folder");
        }

        var queries = line.Value("--queries") is null ? (int?)null : line.Number("--queries", 0, 1, 100_000);
        var outPath = Path.GetFullPath(line.Value("--out") ?? Path.Combine(RepoLayout.Root, ".data", "benchmarks", "results.json"));
        return new BenchmarkSettings(
            data,
            scenarios,
            line.Number("--passages", 200_000, 1_000, 10_000_000),
            queries,
            outPath,
            line.Number("--seed", 20260101, 0, int.MaxValue),
            serviceSettings);
    }

    private static bool IsServiceSetting(string argument) =>
        argument.StartsWith("--Retrieval:", StringComparison.Ordinal) && argument.Contains('=', StringComparison.Ordinal);
}
