namespace Search.Cli.Tests;

/// <summary>Finds the evaluation data that lives beside the repository (../shared/data), read in place.</summary>
internal static class SharedData
{
    public static string? Find(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Search.sln")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", relativePath));
                return File.Exists(path) ? path : null;
            }
        }

        return null;
    }
}
