namespace Search.Text;

/// <summary>
/// A disposable that many threads use at once and one owner disposes: <see cref="Dispose"/> waits for the uses in
/// progress, and a use after it throws <see cref="ObjectDisposedException"/>. For native resources such as an ONNX
/// Runtime session, whose run on a disposed handle is a segmentation fault rather than an exception: a service stopped
/// while a search or a warm-up was still in the model died with SIGSEGV.
/// </summary>
public sealed class SharedDisposable<T>(T value) : IDisposable
    where T : class, IDisposable
{
    private readonly ReaderWriterLockSlim _uses = new();
    private bool _disposed;

    /// <summary>Runs <paramref name="use"/> on the value; disposal waits until it has returned.</summary>
    public TResult Use<TResult>(Func<T, TResult> use)
    {
        _uses.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, value);
            return use(value);
        }
        finally
        {
            _uses.ExitReadLock();
        }
    }

    public void Dispose()
    {
        _uses.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            value.Dispose();
        }
        finally
        {
            _uses.ExitWriteLock();
        }
    }
}
