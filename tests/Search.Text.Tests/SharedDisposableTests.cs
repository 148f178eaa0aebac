namespace Search.Text.Tests;

public sealed class SharedDisposableTests
{
    [Fact]
    public async Task DisposalWaitsForTheUseInProgressAndALaterUseThrows()
    {
        var resource = new Resource();
        using var shared = new SharedDisposable<Resource>(resource);
        using var inUse = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var use = Task.Run(() => shared.Use(r =>
        {
            inUse.Set();
            release.Wait(TestContext.Current.CancellationToken);
            return r.Disposed;
        }), TestContext.Current.CancellationToken);
        inUse.Wait(TestContext.Current.CancellationToken);

        var disposal = Task.Run(shared.Dispose, TestContext.Current.CancellationToken);
        // Disposal cannot end while the use runs; the 200 ms only bound how long the test looks for it ending early.
        Assert.NotSame(disposal, await Task.WhenAny(disposal, Task.Delay(200, TestContext.Current.CancellationToken)));
        Assert.False(resource.Disposed);
        release.Set();

        Assert.False(await use, "the resource was disposed while it was in use");
        await disposal.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.True(resource.Disposed);
        Assert.Throws<ObjectDisposedException>(() => shared.Use(r => r.Disposed));
    }

    [Fact]
    public void DisposingTwiceDisposesTheValueOnce()
    {
        var resource = new Resource();
        var shared = new SharedDisposable<Resource>(resource);
        shared.Dispose();
        shared.Dispose();
        Assert.Equal(1, resource.Disposals);
    }

    private sealed class Resource : IDisposable
    {
        public int Disposals { get; private set; }

        public bool Disposed => Disposals > 0;

        public void Dispose() => Disposals++;
    }
}
