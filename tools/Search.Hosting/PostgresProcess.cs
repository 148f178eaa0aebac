using System.Diagnostics;
using System.Globalization;

namespace Search.Hosting;

/// <summary>
/// A throwaway PostgreSQL server on loopback, in a fresh data folder that is deleted at the end: the shared store of
/// gateway replicas in the store tests and the multi-replica cluster tests. Needs Debian's PostgreSQL binaries (apt
/// package postgresql: initdb, postgres and pg_isready under /usr/lib/postgresql/N/bin). PostgreSQL refuses to run as
/// root, so under root the server runs as the package's <c>postgres</c> user (through setpriv). Commits are fsynced as
/// in production (fsync and synchronous_commit stay on), so a durability test means what it says.
/// </summary>
public sealed class PostgresProcess(int port) : IAsyncDisposable
{
    /// <summary>The superuser initdb creates; local connections are trusted, nothing else can connect.</summary>
    public const string User = "search";

    private Process? _process;
    private string? _folder;

    public int Port { get; } = port;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>An Npgsql connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={User};Database={database}";

    /// <summary>The folder holding initdb, postgres and pg_isready (the newest installed version), or null when PostgreSQL is not installed.</summary>
    public static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")));
    }

    /// <summary>Creates the data folder, starts the server and waits until it accepts connections.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (IsRunning)
        {
            return;
        }

        var bin = FindBinaries() ?? throw new FileNotFoundException("PostgreSQL is not installed (apt-get install postgresql)");
        _folder ??= CreateFolder();
        var data = Path.Combine(_folder, "data");
        if (!Directory.Exists(data))
        {
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", User, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], ct);
        }

        _process = Process.Start(AsServerUser(Path.Combine(bin, "postgres"),
        [
            "-D", data, "-p", Port.ToString(CultureInfo.InvariantCulture), "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={_folder}", "-c", "max_connections=200",
        ])) ?? throw new InvalidOperationException("could not start postgres");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        DataReceivedEventHandler keep = (_, e) =>
        {
            if (e.Data is { } line)
            {
                log.Enqueue(line);
                while (log.Count > 20 && log.TryDequeue(out string? _))
                {
                }
            }
        };
        _process.OutputDataReceived += keep;
        _process.ErrorDataReceived += keep;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await IsReadyAsync(bin, ct))
        {
            if (_process.HasExited || DateTime.UtcNow > until)
            {
                throw new InvalidOperationException($"postgres on port {Port} did not accept connections (exit code {(_process.HasExited ? _process.ExitCode : null)}): {string.Join(" | ", log)}");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>Ends the server at once (SIGKILL), as a crash would; what was committed is on disk and comes back on the next start.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        if (_folder is not null)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A server child still closing its files; the folder is under the temp directory.
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task<bool> IsReadyAsync(string bin, CancellationToken ct)
    {
        using var probe = Process.Start(Quiet(Path.Combine(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-q"]))!;
        await probe.WaitForExitAsync(ct);
        return probe.ExitCode == 0;
    }

    private static string CreateFolder()
    {
        var folder = Directory.CreateTempSubdirectory("search-postgres-").FullName;
        if (Environment.UserName == "root")
        {
            // initdb and postgres run as the postgres user, which must own the folder (and may read nothing else of ours).
            using var chown = Process.Start("chown", ["postgres:postgres", folder]);
            chown.WaitForExit();
            if (chown.ExitCode != 0)
            {
                throw new InvalidOperationException($"could not give {folder} to the postgres user (PostgreSQL refuses to run as root)");
            }
        }

        return folder;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var info = AsServerUser(program, arguments);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed with exit code {process.ExitCode}: {await errors}{await output}");
        }
    }

    /// <summary>
    /// Runs <paramref name="program"/> as the postgres user when this process is root, else as ourselves. setpriv execs the
    /// program in its own process (runuser would fork and wait), so the process started is the server itself, reaped by
    /// us when killed: its pid is gone before the next start reads postmaster.pid.
    /// </summary>
    private static ProcessStartInfo AsServerUser(string program, IReadOnlyList<string> arguments) =>
        Environment.UserName == "root"
            ? Quiet("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program, .. arguments])
            : Quiet(program, arguments);

    private static ProcessStartInfo Quiet(string program, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }
}
