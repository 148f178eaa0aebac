namespace Search.Benchmarks;

/// <summary>The scenarios one run can measure.</summary>
[Flags]
public enum ScenarioSelection
{
    SciFact = 1,
    Large = 2,
    All = SciFact | Large,
}

/// <summary>The command line of the benchmark, checked (<see cref="BenchmarkCommand"/>).</summary>
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

    public const int DefaultPassages = 200_000;

    public const int DefaultSeed = 20260101;
}
