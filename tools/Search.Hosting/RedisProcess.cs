using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Search.Hosting;

/// <summary>
/// A throwaway <c>redis-server</c> on loopback with persistence off: the answer cache of the local
/// cluster and of the cache tests. Needs the redis-server binary (apt package redis-server).
/// With a <paramref name="password"/> (requirepass), a connection that has not sent AUTH gets only NOAUTH.
/// Memory is capped at <paramref name="maxMemory"/> with <see cref="MemoryPolicy"/>.
/// </summary>
public sealed class RedisProcess(int port, string? password = null, string maxMemory = RedisProcess.DefaultMaxMemory) : IAsyncDisposable
{
    /// <summary>What the local cluster gives the answer cache (deploy/ and k8s/ use the same).</summary>
    public const string DefaultMaxMemory = "256mb";

    /// <summary>
    /// Nothing is ever evicted: the answer cache's per-document invalidation sets must never vanish while the answers
    /// they point at stay. Memory stays bounded because every answer and set expires (Gateway:Cache:TtlSeconds);
    /// when it is full, storing an answer fails (the search is served uncached) and an invalidation that cannot write
    /// makes the gateway skip the cache until its flush succeeds, so nothing stale is ever served.
    /// </summary>
    public const string MemoryPolicy = "noeviction";

    private Process? _process;

    public int Port { get; } = port;

    public string? Password { get; } = password;

    /// <summary>The gateway's Gateway:Cache:Redis value for this server (with the password).</summary>
    public string Configuration => Password is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},password={Password}";

    /// <summary>A new random password (hex: nothing a connection string would need to escape).</summary>
    public static string NewPassword() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

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
        foreach (var argument in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--maxmemory", maxMemory, "--maxmemory-policy", MemoryPolicy,
        })
        {
            info.ArgumentList.Add(argument);
        }

        if (Password is not null)
        {
            // From standard input as a config file, so the password does not show in the process list.
            info.ArgumentList.Insert(0, "-");
            info.RedirectStandardInput = true;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        if (Password is not null)
        {
            await _process.StandardInput.WriteLineAsync($"requirepass {Password}".AsMemory(), ct);
            _process.StandardInput.Close();
        }

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

    /// <summary>PING after AUTH with the password: true when the server answers PONG.</summary>
    public async Task<bool> PingAsync(CancellationToken ct = default) =>
        (await SendAsync(Password is null ? "PING" : $"AUTH {Password}\r\nPING", ct))?.Contains("+PONG", StringComparison.Ordinal) == true;

    /// <summary>
    /// Sends <paramref name="commands"/> (inline commands, "\r\n" between several) on a new connection and returns the
    /// first reply bytes as text, or null when the server does not answer.
    /// </summary>
    public async Task<string?> SendAsync(string commands, CancellationToken ct = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port, ct);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(commands + "\r\n"), ct);
            var expected = commands.Split("\r\n").Length;
            var reply = new StringBuilder();
            var buffer = new byte[4096];
            // One line per command: enough for the simple replies this is used for.
            while (reply.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length < expected)
            {
                var read = await stream.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    break;
                }

                reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            return reply.ToString();
        }
        catch (SocketException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
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
