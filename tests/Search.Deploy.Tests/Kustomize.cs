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

    public static string Kubectl => Path.Combine(RepoLayout.Root, ".tools", "kubectl", "kubectl");

    /// <summary>The objects of overlay <paramref name="overlay"/> as one multi-document YAML text.</summary>
    public static string Render(string overlay) => RenderDirectory(Path.Combine(RepoLayout.Root, "k8s", "overlays", overlay));

    public static string RenderDirectory(string directory)
    {
        Prerequisite.Require(File.Exists(Kubectl), $"{Kubectl} is missing: run tools/install-deps.sh test");
        // Without a kubeconfig kubectl would look for an API server on localhost:8080, the gateway's port.
        var kubeconfig = Path.Combine(Path.GetTempPath(), "search-deploy-tests.kubeconfig");
        File.WriteAllText(kubeconfig, "apiVersion: v1\nkind: Config\n");
        var info = new ProcessStartInfo(Kubectl, ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["KUBECONFIG"] = kubeconfig;
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
