using Search.Retrieval.Indexing;

namespace Search.Retrieval.Tests;

/// <summary>A real index in a fresh temporary folder, deleted on dispose.</summary>
public sealed class TempIndex : IDisposable
{
    public TempIndex(Action<RetrievalOptions>? configure = null)
    {
        Directory = TempFolder.Create();
        Options = new RetrievalOptions { DataDirectory = Directory };
        configure?.Invoke(Options);
        Index = new PassageIndex(Options);
    }

    public string Directory { get; }

    public RetrievalOptions Options { get; }

    public PassageIndex Index { get; private set; }

    /// <summary>Closes the index and opens it again from the same folder, as a restarted process would.</summary>
    public PassageIndex Reopen()
    {
        Index.Dispose();
        Index = new PassageIndex(Options);
        return Index;
    }

    public void Dispose()
    {
        Index.Dispose();
        TempFolder.Delete(Directory);
    }
}

public static class TempFolder
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "search-retrieval-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing a passed test over it is not.
        }
    }
}
