namespace Search.Gateway.Tests;

/// <summary>
/// A store opened by a behaviour suite, disposed the way its engine needs (SQLite's synchronously, Npgsql's
/// asynchronously), so one <c>await using</c> serves every engine.
/// </summary>
public sealed class OpenStore<T>(T store) : IAsyncDisposable
    where T : class
{
    public T Store { get; } = store;

    public async ValueTask DisposeAsync()
    {
        switch (Store)
        {
            case IAsyncDisposable asynchronous:
                await asynchronous.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}

public static class OpenStore
{
    public static OpenStore<T> Of<T>(T store)
        where T : class => new(store);
}
