using System.Diagnostics;

namespace Search.EndToEnd.Tests;

/// <summary>Runs the CLI (or another of the product's tools) as its own process, the way a user does.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string LastLine => Output.TrimEnd().Split('\n')[^1].Trim();
    }

    public static Task<Result> RunAsync(string gateway, params string[] arguments) =>
        RunToolAsync("Cli", ["--gateway", gateway, .. arguments]);

    /// <summary>Runs tools/Search.<paramref name="tool"/> ("Cli", "LoadTest") with <paramref name="arguments"/>.</summary>
    public static async Task<Result> RunToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoLayout.Root,
        };
        info.ArgumentList.Add(RepoLayout.ToolAssembly(tool));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Parses "em=0.1 f1=0.2 …" into a dictionary.</summary>
    public static Dictionary<string, double> ParseMetrics(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('='))
            .ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
}
