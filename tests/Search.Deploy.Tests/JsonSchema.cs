using System.Diagnostics;
using Search.TestKit;

namespace Search.Deploy.Tests;

/// <summary>
/// The second schema check: the Kubernetes JSON schemas of the npm package kubernetes-models, through
/// tools/k8s-schema/validate.mjs (installed by <c>tools/install-deps.sh test</c>). It knows the enum values the
/// strict reader of <see cref="Manifests"/> does not check.
/// </summary>
public static class JsonSchema
{
    private static string Directory => Path.Combine(RepoLayout.Root, "tools", "k8s-schema");

    /// <summary>One line per object that breaks its schema; empty when all fit.</summary>
    public static IReadOnlyList<string> Problems(string yaml)
    {
        Prerequisite.Require(
            File.Exists(Path.Combine(Directory, "node_modules", "kubernetes-models", "package.json")),
            $"{Directory}/node_modules is missing: run tools/install-deps.sh test");
        var info = new ProcessStartInfo("node", ["validate.mjs", .. Manifests.CustomKinds])
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(yaml);
        process.StandardInput.Close();
        process.WaitForExit();
        var problems = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (process.ExitCode != 0 && problems.Length == 0)
        {
            throw new InvalidOperationException($"validate.mjs failed ({process.ExitCode}): {error.Result}");
        }

        return problems;
    }
}
