using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Search.Hosting;

/// <summary>
/// A throwaway <c>redis-server</c> on loopback with persistence off: the answer cache of the local
/// cluster and of the cache tests. Needs the redis-server binary (apt package redis-server).
/// </summary>
public sealed class RedisProcess(int port) : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = port;

    /// <summary>The gateway's Gateway:Cache:Redis value for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The redis-server binary on PATH (or /usr/bin, /usr/local/bin), or null when it is not installed.</summary>
    public static string? FindServer()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin"]);
        return directories.Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);
    }

    /// <summary>Starts the server and waits until it answers PING.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (IsRunning)
        {
            return;
        }

        var server = FindServer() ?? throw new FileNotFoundException("redis-server is not installed (apt-get install redis-server)");
        var info = new ProcessStartInfo(server)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var until = DateTime.UtcNow.AddSeconds(15);
        while (!await PingAsync(ct))
        {
            if (_process.HasExited || DateTime.UtcNow > until)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING (exit code {(_process.HasExited ? _process.ExitCode : null)})");
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>Ends the server at once (SIGKILL), as a crash would; everything cached is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing answers, like a Redis stuck or far away.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server go on (SIGCONT) with everything it held.</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port, ct);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, ct);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task SignalAsync(string signal)
    {
        if (_process is { HasExited: false } process)
        {
            using var kill = Process.Start("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
