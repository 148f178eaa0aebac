using System.CommandLine;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Search.Benchmarks.Corpus;
using Search.Benchmarks.Engines;
using Search.Benchmarks.Reporting;
using Search.Benchmarks.Scenarios;
using Search.Hosting;

namespace Search.Benchmarks;

/// <summary>One benchmark run: checks what it needs, runs the scenarios, prints the tables, writes the JSON report.</summary>
public static class BenchmarkRun
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;
    public const int ExitCancelled = 130;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter log, CancellationToken ct)
    {
        // Service settings go to the service as they are, as the launcher passes them.
        var serviceSettings = args.Where(BenchmarkCommand.IsServiceSetting).ToList();
        var command = new BenchmarkCommand();
        command.Root.SetAction(async (parsed, token) => command.TryRead(parsed, serviceSettings, out var settings, out var problem)
            ? await RunAsync(settings, output, log, token)
            : await UsageErrorAsync(log, [problem]));
        var line = command.Parse(args);
        if (line.Action is ParseErrorAction)
        {
            return await UsageErrorAsync(log, line.Errors.Select(e => e.Message));
        }

        // Program's own signal handlers stop the run and clean up, so the parser installs none.
        var invocation = new InvocationConfiguration { Output = output, Error = log, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return await line.InvokeAsync(invocation, ct);
    }

    private static async Task<int> UsageErrorAsync(TextWriter log, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            await log.WriteLineAsync($"error: {problem} (try --help)");
        }

        return ExitUsage;
    }

    private static async Task<int> RunAsync(BenchmarkSettings settings, TextWriter output, TextWriter log, CancellationToken ct)
    {
        var (sqliteVersion, hasFts5) = Fts5Engine.Probe();
        if (!hasFts5)
        {
            await log.WriteLineAsync($"error: the bundled SQLite {sqliteVersion} was built without FTS5");
            return ExitFailure;
        }

        string serviceAssembly;
        SciFactData data;
        try
        {
            serviceAssembly = RetrievalServiceEngine.ServiceAssembly;
            data = SciFactData.Read(settings.DataDirectory);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            await log.WriteLineAsync($"error: {e.Message}");
            return ExitFailure;
        }

        await log.WriteLineAsync($"service: {serviceAssembly}");
        if (RepoLayout.Configuration != "Release")
        {
            await log.WriteLineAsync($"warning: this is a {RepoLayout.Configuration} build measuring a {RepoLayout.Configuration} service; the numbers mean little (use -c Release)");
        }

        await log.WriteLineAsync($"SQLite {sqliteVersion} with FTS5; data: {settings.DataDirectory}; load average {MachineInfo.ReadLoadAverage() ?? "unknown"}");
        var report = new BenchmarkReport(
            DateTimeOffset.UtcNow,
            new MachineInfo(Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, sqliteVersion, MachineInfo.ReadLoadAverage()),
            new RunSettings(settings.DataDirectory, serviceAssembly, RetrievalServiceEngine.PassagesPerQuery, ISearchEngine.RankDepth,
                Fts5Engine.InsertBatchSize, Fts5Engine.RankFunction, BenchmarkSettings.WarmUpQueries, settings.Seed),
            []);

        var workDirectory = Directory.CreateTempSubdirectory("search-benchmarks-").FullName;
        var scenarios = new List<ScenarioResult>();
        try
        {
            if (settings.Scenarios.HasFlag(ScenarioSelection.SciFact))
            {
                scenarios.Add(await SciFactScenario.RunAsync(data, settings, workDirectory, log, ct));
            }

            if (settings.Scenarios.HasFlag(ScenarioSelection.Large))
            {
                scenarios.Add(await LargeCorpusScenario.RunAsync(data, settings, workDirectory, log, ct));
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Ctrl-C reaches the service too, so a call may end as UNAVAILABLE rather than cancelled.
            await log.WriteLineAsync("cancelled");
            return ExitCancelled;
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or InvalidOperationException or TimeoutException or IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            await log.WriteLineAsync($"error: {e.Message}");
            return ExitFailure;
        }
        finally
        {
            DeleteQuietly(workDirectory);
        }

        report = report with { Scenarios = scenarios, Machine = report.Machine with { LoadAverageAtEnd = MachineInfo.ReadLoadAverage() } };
        await output.WriteLineAsync();
        foreach (var scenario in scenarios)
        {
            await output.WriteLineAsync(MarkdownReport.Table(scenario));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(settings.OutPath)!);
        await File.WriteAllTextAsync(settings.OutPath, JsonSerializer.Serialize(report, BenchmarkReportJsonContext.Default.BenchmarkReport), CancellationToken.None);
        await output.WriteLineAsync($"report: {settings.OutPath}");
        if (MarkdownReport.NdcgLine(report) is { } line)
        {
            await output.WriteLineAsync(line);
        }

        return ExitOk;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"could not delete {directory}: {e.Message}"));
        }
    }
}
