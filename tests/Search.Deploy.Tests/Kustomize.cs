using System.Diagnostics;
using Search.TestKit;

namespace Search.Deploy.Tests;

/// <summary>
/// Renders the overlays of k8s/ with the kubectl that <c>tools/install-deps.sh test</c> puts in .tools/kubectl
/// (kubectl 1.35, kustomize 5.7). Offline: kustomize reads only the files.
/// </summary>
public static class Kustomize
{
    public static readonly string[] Overlays = ["local", "production"];

    // Without a kubeconfig kubectl would look for an API server on localhost:8080, the gateway's port.
    private static readonly Lazy<string> EmptyKubeconfig = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"search-deploy-tests-{Environment.ProcessId}.kubeconfig");
        File.WriteAllText(path, "apiVersion: v1\nkind: Config\n");
        return path;
    });

    public static string Kubectl => Path.Combine(RepoLayout.Root, ".tools", "kubectl", "kubectl");

    /// <summary>The objects of overlay <paramref name="overlay"/> as one multi-document YAML text.</summary>
    public static string Render(string overlay) => RenderDirectory(Path.Combine(RepoLayout.Root, "k8s", "overlays", overlay));

    public static string RenderDirectory(string directory)
    {
        Prerequisite.Require(File.Exists(Kubectl), $"{Kubectl} is missing: run tools/install-deps.sh test");
        var info = new ProcessStartInfo(Kubectl, ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["KUBECONFIG"] = EmptyKubeconfig.Value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start kubectl");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}): {error.Result}");
        }

        return output.Result;
    }
}
