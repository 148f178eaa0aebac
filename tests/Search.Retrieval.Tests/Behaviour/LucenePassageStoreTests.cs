using Search.Retrieval.Indexing;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Tests.Behaviour;

/// <summary>The store contract on the embedded Lucene index, in a temporary folder per test.</summary>
public sealed class LucenePassageStoreTests : PassageStoreBehaviour
{
    private readonly List<string> _folders = [];

    protected override Task<IPassageStore> CreateStoreAsync(Action<RetrievalOptions> configure)
    {
        var folder = TempFolder.Create();
        _folders.Add(folder);
        var options = new RetrievalOptions { DataDirectory = folder };
        configure(options);
        return Task.FromResult<IPassageStore>(new PassageIndex(options));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folders.ForEach(TempFolder.Delete);
    }
}
