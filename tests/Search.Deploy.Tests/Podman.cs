using System.Globalization;
using System.Diagnostics;
using System.Text.Json;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Search.TestKit;

namespace Search.Deploy.Tests;

/// <summary>
/// podman as deploy/ runs it (with deploy/containers.conf, which this machine needs), and the images of
/// deploy/images.tsv that <c>make images</c> (and <c>make test</c>, before the tests) builds.
/// </summary>
public static class Podman
{
    /// <summary>The tests that run containers, one at a time: on two cores, parallel start-ups miss the stages' deadlines.</summary>
    public const string Collection = "podman";

    public sealed record Image(string Service, string Project, int GrpcPort, int HttpPort, string HttpEndpoint, int BudgetMb)
    {
        public string Name => $"localhost/search-{Service}";

        public override string ToString() => Service;
    }

    public static IReadOnlyList<Image> Images { get; } =
        File.ReadAllLines(Path.Combine(RepoLayout.Root, "deploy", "images.tsv"))
            .Where(line => line.Trim() is { Length: > 0 } text && !text.StartsWith('#'))
            .Select(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Select(f => new Image(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), f[4], int.Parse(f[5], CultureInfo.InvariantCulture)))
            .ToList();

    public static Image Named(string service) => Images.Single(i => i.Service == service);

    private static readonly Lazy<bool> Installed = new(() =>
        Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(d => File.Exists(Path.Combine(d, "podman"))) == true);

    /// <summary>Skips (under CI: fails) unless podman is installed and <paramref name="image"/> is built.</summary>
    public static void RequireImage(Image image)
    {
        Prerequisite.Require(Installed.Value, "podman is not installed (tools/install-deps.sh images)");
        Prerequisite.Require(Run(["image", "exists", image.Name]).ExitCode == 0,
            $"{image.Name} is not built: run `make images`");
    }

    /// <summary>The image's configuration as <c>podman image inspect</c> reports it.</summary>
    public static JsonElement Inspect(Image image)
    {
        var result = Run(["image", "inspect", image.Name]).Succeeded();
        using var json = JsonDocument.Parse(result.Output);
        return json.RootElement[0].Clone();
    }

    /// <summary>
    /// Runs <c>deploy/<paramref name="script"/></c> with <paramref name="environment"/> and returns what it printed
    /// (stdout, then stderr); fails with that output if it fails.
    /// </summary>
    public static async Task<string> RunScriptAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepoLayout.Root, "deploy", script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {script}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/{script} {string.Join(' ', info.ArgumentList.Skip(1))} failed ({process.ExitCode}): {await output}{await error}");
        }

        return await output + await error;
    }

    /// <summary>What grpc.health.v1 on 127.0.0.1:<paramref name="port"/> says of <paramref name="service"/>, as a gRPC probe asks it.</summary>
    public static async Task<HealthCheckResponse.Types.ServingStatus> GrpcHealthAsync(int port, string service, CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var response = await new Health.HealthClient(channel).CheckAsync(
            new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
        return response.Status;
    }

    public sealed record Result(int ExitCode, string Output, string Error, string Command)
    {
        public Result Succeeded() => ExitCode == 0
            ? this
            : throw new InvalidOperationException($"{Command} failed ({ExitCode}): {Error}");
    }

    public static Result Run(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("podman")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["CONTAINERS_CONF"] = Path.Combine(RepoLayout.Root, "deploy", "containers.conf");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start podman");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"podman {string.Join(' ', info.ArgumentList)} did not finish");
        }

        return new Result(process.ExitCode, output.Result, error.Result, $"podman {string.Join(' ', info.ArgumentList)}");
    }
}
