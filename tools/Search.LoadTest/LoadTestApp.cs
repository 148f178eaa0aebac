using System.CommandLine;
using System.CommandLine.Invocation;
using System.Diagnostics;
using System.Globalization;
using Search.Evaluation.Datasets;
using Search.Evaluation.Plots;
using Search.LoadTest.Queries;
using Search.LoadTest.Reporting;
using Search.LoadTest.Running;
using Search.LoadTest.Targets;

namespace Search.LoadTest;

/// <summary>The load test as the process runs it: options, queries, the run with its progress line, the report.</summary>
public static class LoadTestApp
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;
    public const int ExitCancelled = 130;

    /// <summary>Runs the tool; the report and help go to <paramref name="output"/>, progress and problems to <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var command = new LoadCommand();
        command.Root.SetAction(async (parsed, ct) => command.TryRead(parsed, out var settings, out var problem)
            ? await RunAsync(settings, output, error, ct)
            : await UsageErrorAsync(error, [problem]));
        var line = command.Parse(args);
        if (line.Action is ParseErrorAction)
        {
            return await UsageErrorAsync(error, line.Errors.Select(e => e.Message));
        }

        // The process's own Ctrl-C handler stops the run, so the parser installs none (it would end the process
        // before requests in flight have finished); exceptions are not turned into exit codes either.
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return await line.InvokeAsync(invocation, cancellationToken);
    }

    private static async Task<int> UsageErrorAsync(TextWriter error, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            await error.WriteLineAsync($"error: {problem}");
        }

        await error.WriteLineAsync("run 'Search.LoadTest --help' for usage");
        return ExitUsage;
    }

    private static async Task<int> RunAsync(LoadSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> queries;
        try
        {
            queries = QuestionFile.Read(settings.QueriesPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: cannot read queries from '{settings.QueriesPath}': {e.Message}");
            return ExitFailure;
        }

        if (queries.Count == 0)
        {
            await error.WriteLineAsync($"error: '{settings.QueriesPath}' holds no queries");
            return ExitFailure;
        }

        var startedAt = DateTimeOffset.UtcNow;
        LoadRecorder recorder;
        IngestVisibility? visibility = null;
        await using (var target = CreateTarget(settings))
        {
            var runner = new LoadRunner(settings, target, new QuerySequence(queries, settings.Repeat, settings.Seed), TimeProvider.System);
            using var progressStop = new CancellationTokenSource();
            var progress = ReportProgressAsync(runner, settings, error, progressStop.Token);
            recorder = await runner.RunAsync(cancellationToken);
            await progressStop.CancelAsync();
            await progress;
            if (target is IngestTarget ingest)
            {
                await error.WriteLineAsync("waiting for the searchability probes, then deleting the run's documents…");
                visibility = await ingest.FinishAsync(error, CancellationToken.None);
            }
        }

        var report = LoadReport.Create(settings, queries.Count, startedAt, recorder);
        if (visibility is not null)
        {
            var perSecond = report.WindowSeconds > 0 ? report.Succeeded * settings.Batch / report.WindowSeconds : 0;
            report = report with { Ingest = visibility with { DocumentsPerSecond = Math.Round(perSecond, 1) } };
        }
        var written = await WriteFilesAsync(settings, report, recorder, error);
        if (report.Succeeded == 0)
        {
            await error.WriteLineAsync(settings.Protocol == TargetProtocol.Grpc
                ? $"error: no request succeeded: is the gateway's gRPC endpoint at {settings.Target}? (the REST one is not gRPC)"
                : $"error: no request succeeded: is the gateway's REST endpoint at {settings.Target}?");
        }

        await output.WriteLineAsync(report.ToText());
        if (cancellationToken.IsCancellationRequested)
        {
            return ExitCancelled;
        }

        return written && report.Succeeded > 0 ? ExitOk : ExitFailure;
    }

    private static ISearchTarget CreateTarget(LoadSettings settings) => settings.Protocol switch
    {
        TargetProtocol.Grpc when settings.Ingest => new IngestTarget(settings.Target.ToString(), settings.Timeout, settings.ApiKey, settings.Seed, settings.Batch),
        TargetProtocol.Grpc => new GrpcTarget(settings.Target.ToString(), settings.Language, settings.K, settings.Timeout, settings.RetrieveOnly),
        // HTTP/1.1 answers one request per connection at a time: allow as many connections as requests in flight.
        _ => new RestTarget(settings.Target, settings.Language, settings.K, settings.Timeout, settings.Concurrency ?? settings.MaxInflight),
    };

    /// <summary>About once a second: elapsed time, requests sent and completed, the rate of the last second, p99 so far and errors.</summary>
    private static async Task ReportProgressAsync(LoadRunner runner, LoadSettings settings, TextWriter error, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var (lastCompleted, lastSeconds) = (0L, 0.0);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (runner.Recorder is not { } recorder)
                {
                    continue;
                }

                var now = clock.Elapsed.TotalSeconds;
                var snapshot = recorder.Progress();
                var rps = (snapshot.Completed - lastCompleted) / Math.Max(now - lastSeconds, 1e-3);
                (lastCompleted, lastSeconds) = (snapshot.Completed, now);
                var phase = now < settings.Warmup.TotalSeconds ? " (warm-up)" : "";
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{now,6:0.0}s]{phase} sent={snapshot.Sent} completed={snapshot.Completed} rps={rps:0.0} p99_ms={snapshot.P99Ms:0.00} errors={snapshot.Errors}"));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes --out and --plot; false (with the reason on <paramref name="error"/>) when a file could not be written.</summary>
    private static async Task<bool> WriteFilesAsync(LoadSettings settings, LoadReport report, LoadRecorder recorder, TextWriter error)
    {
        var ok = true;
        if (settings.ReportPath is { } reportPath)
        {
            ok &= await TryWriteAsync(reportPath, error, () => File.WriteAllTextAsync(reportPath, report.ToJson() + "\n"));
        }

        if (settings.PlotPath is { } plotPath)
        {
            var latency = report.Latency;
            var caption = string.Create(CultureInfo.InvariantCulture,
                $"{report.Settings.Protocol} {report.Settings.Mode} loop, {report.ThroughputRps:0.0} req/s, {latency.Count} ok, {report.Errors} errors, p50 {latency.P50Ms:0.00} ms, p99 {latency.P99Ms:0.00} ms, max {latency.MaxMs:0.00} ms");
            var png = LatencyPlot.DrawPng(latency.Count, p => LatencySummary.MsAt(recorder.Latency, p), caption);
            ok &= await TryWriteAsync(plotPath, error, () => File.WriteAllBytesAsync(plotPath, png));
        }

        return ok;
    }

    private static async Task<bool> TryWriteAsync(string path, TextWriter error, Func<Task> write)
    {
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
            {
                Directory.CreateDirectory(directory);
            }

            await write();
            await error.WriteLineAsync($"wrote {path}");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: cannot write '{path}': {e.Message}");
            return false;
        }
    }
}
