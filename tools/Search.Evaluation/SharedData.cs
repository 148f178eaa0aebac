namespace Search.Evaluation;

/// <summary>
/// The evaluation data read in place: $SEARCH_DATA_DIR, else ../shared/data beside the
/// repository (the folder holding Search.sln).
/// </summary>
public static class SharedData
{
    public static string? Root
    {
        get
        {
            if (Environment.GetEnvironmentVariable("SEARCH_DATA_DIR") is { Length: > 0 } configured)
            {
                return Directory.Exists(configured) ? configured : null;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Search.sln")))
                {
                    var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                    return Directory.Exists(data) ? data : null;
                }
            }

            return null;
        }
    }

    /// <summary>The full path of <paramref name="relativePath"/> under the data folder, or null when it is missing.</summary>
    public static string? Find(string relativePath) =>
        Root is { } root && File.Exists(Path.Combine(root, relativePath)) ? Path.Combine(root, relativePath) : null;
}
