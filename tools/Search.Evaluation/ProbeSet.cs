using Search.Evaluation.Datasets;

namespace Search.Evaluation;

/// <summary>
/// How the team's probe set (<c>tools/probe/probe.json</c>) is split: by document, which is one article of the
/// file. Articles with an odd index are held out (the file marks them <c>"held_out": true</c>), so anything fitted
/// or tuned on the others can be measured on documents it never saw.
/// </summary>
public static class ProbeSet
{
    /// <summary>The probe file in this repository (found from the folder holding Search.sln), or null outside it.</summary>
    public static string? File
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "Search.sln")))
                {
                    var path = Path.Combine(dir.FullName, "tools", "probe", "probe.json");
                    return System.IO.File.Exists(path) ? path : null;
                }
            }

            return null;
        }
    }

    public const string All = "all";
    public const string Fit = "fit";
    public const string HeldOut = "held-out";

    public static bool IsHeldOut(int article) => article % 2 == 1;

    /// <summary>Whether <paramref name="question"/> belongs to <paramref name="half"/> (all, fit or held-out).</summary>
    public static bool Contains(string half, SquadQuestion question) => half switch
    {
        Fit => !IsHeldOut(question.Article),
        HeldOut => IsHeldOut(question.Article),
        _ => true,
    };
}
