using System.Globalization;
using System.Text.RegularExpressions;

namespace Search.LoadTest;

public enum TargetProtocol
{
    Rest,
    Grpc,
}

/// <summary>What one load test does, from its command line (<see cref="LoadCommand"/>).</summary>
public sealed partial record LoadSettings
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public const int DefaultMaxInflight = 1000;

    public required Uri Target { get; init; }

    public TargetProtocol Protocol { get; init; } = TargetProtocol.Rest;

    /// <summary>True for --call retrieve: BM25 retrieval through the gateway instead of the whole pipeline.</summary>
    public bool RetrieveOnly { get; init; }

    /// <summary>True for --call ingest: each request upserts one small document and a sample is searched for until found.</summary>
    public bool Ingest { get; init; }

    /// <summary>Documents per request of --call ingest (--batch).</summary>
    public int Batch { get; init; } = 1;

    /// <summary>The gateway's ingest key for --call ingest (--api-key, else $SEARCH_API_KEY).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Requests per second of the open loop; null for the closed loop.</summary>
    public double? Rate { get; init; }

    /// <summary>Workers of the closed loop; null for the open loop.</summary>
    public int? Concurrency { get; init; }

    public TimeSpan Duration { get; init; } = DefaultDuration;

    public TimeSpan Warmup { get; init; } = DefaultWarmup;

    /// <summary>Measured requests at most; null for as many as <see cref="Duration"/> allows.</summary>
    public long? Requests { get; init; }

    public required string QueriesPath { get; init; }

    public double Repeat { get; init; }

    /// <summary>Results per search; 0 for the gateway's default.</summary>
    public int K { get; init; }

    public string? Language { get; init; }

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public int MaxInflight { get; init; } = DefaultMaxInflight;

    public string? ReportPath { get; init; }

    public string? PlotPath { get; init; }

    public int Seed { get; init; }

    public bool IsOpenLoop => Rate is not null;

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

    [GeneratedRegex(@"^(?<number>\d+(\.\d+)?)(?<unit>ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
