using System.Diagnostics;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Search.Hosting;

/// <summary>One service of the cluster running as its own process.</summary>
public sealed class ServiceProcess(
    string name, string grpcAddress, IReadOnlyList<string> arguments, Action<string>? log, IReadOnlyDictionary<string, string>? environment = null)
    : IAsyncDisposable
{
    private readonly Queue<string> _recentOutput = new();
    private Process? _process;
    private long _startedAt;

    public string Name { get; } = name;

    /// <summary>The gRPC (h2c) address, also where grpc.health.v1 answers.</summary>
    public string GrpcAddress { get; } = grpcAddress;

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => _process?.Id;

    /// <summary>From the last <see cref="Start"/> to the first SERVING answer (its warm-up included); null until then.</summary>
    public TimeSpan? TimeToReady { get; private set; }

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var assembly = RepoLayout.ServiceAssembly(Name);
        var info = new ProcessStartInfo("dotnet")
        {
            // appsettings.json is read from the content root, which is the working directory.
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Production, whatever the caller's shell says: detailed errors off. What a local cluster needs besides
        // (the documented keys) the launcher passes as arguments (RepoLayout.LocalClusterSettings).
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        TimeToReady = null;
        _startedAt = Stopwatch.GetTimestamp();
        _process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Name}");
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// Waits until grpc.health.v1 answers SERVING for the whole server (""), which is readiness: the service
    /// says NOT_SERVING until it has warmed up. Fails with the process's last output if it exits or times out.
    /// </summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var channel = GrpcChannel.ForAddress(GrpcAddress);
        var client = new Health.HealthClient(channel);
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            ct.ThrowIfCancellationRequested();
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited (code {_process?.ExitCode}) before it was healthy:\n{RecentOutput}");
            }

            try
            {
                var reply = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct);
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    TimeToReady = Stopwatch.GetElapsedTime(_startedAt);
                    return;
                }
            }
            catch (Grpc.Core.RpcException)
            {
                // Not listening yet.
            }

            await Task.Delay(150, ct);
        }

        throw new TimeoutException($"{Name} was not healthy at {GrpcAddress} within {timeout.TotalSeconds:0} s:\n{RecentOutput}");
    }

    /// <summary>Ends the process at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits; kills it if it does not stop in time.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        try
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(grace);
            await process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            Kill();
        }
    }

    public string RecentOutput
    {
        get
        {
            lock (_recentOutput)
            {
                return string.Join('\n', _recentOutput);
            }
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_recentOutput)
        {
            _recentOutput.Enqueue(line);
            while (_recentOutput.Count > 200)
            {
                _recentOutput.Dequeue();
            }
        }

        log?.Invoke($"[{Name.ToLowerInvariant()}] {line}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process?.Dispose();
    }
}
