using System.Diagnostics.CodeAnalysis;
using Search.Evaluation;
using Xunit;

namespace Search.TestKit;

/// <summary>
/// What a test needs from the machine (a program, the shared data). On a developer's machine a missing
/// prerequisite skips the test with the reason. Under CI (<c>CI=true</c>) it fails the test: CI installs
/// every prerequisite, so a missing one means a broken run, and a skipped quality floor would let it pass.
/// </summary>
public static class Prerequisite
{
    public static bool UnderCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (or, under CI, fails) the test with <paramref name="reason"/> unless <paramref name="present"/>.</summary>
    public static void Require([DoesNotReturnIf(false)] bool present, string reason)
    {
        if (present)
        {
            return;
        }

        if (UnderCi)
        {
            Assert.Fail($"missing prerequisite under CI=true: {reason}");
        }

        Assert.Skip(reason);
    }

    /// <summary>The full path of a shared data file; skips (or, under CI, fails) the test when it is missing.</summary>
    public static string SharedFile(string relativePath)
    {
        var path = SharedData.Find(relativePath);
        Require(path is not null, $"shared data {relativePath} not found in ../shared/data beside the repository (or $SEARCH_DATA_DIR)");
        return path;
    }
}
