using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Indexing;

/// <summary>
/// What the index does when its writer fails: the write that failed marks it faulted (no commit may take what is in
/// the writer from then on), the writer is rolled back to its last commit and reopened, and the callers of every
/// write it dropped are told so. Until a reopen succeeds, writes are refused and health says why.
/// </summary>
public sealed partial class PassageIndex
{
    /// <summary>
    /// Ready while the index is open and its writer works. A failed writer is reopened here too (the readiness probe
    /// retries it), so the index comes back by itself once the disk has room again.
    /// </summary>
    public (bool Healthy, string Reason) CheckHealth()
    {
        if (!IsOpen)
        {
            return (false, "index is closed");
        }

        if (_fault is not null)
        {
            TryRecover();
        }

        return _fault is { } fault
            ? (false, $"index at {Path} refuses writes: {fault}")
            : (true, $"index open at {Path}");
    }

    /// <summary>Any exception out of the writer, except that the index was closed on purpose.</summary>
    private bool IsWriterFailure(Exception e) => !(e is ObjectDisposedException && _disposed) && e is not PassageStoreException;

    /// <summary>A write after a failure first tries to reopen the writer (the disk may have room again).</summary>
    private void RecoverIfFaulted()
    {
        if (_fault is not null)
        {
            TryRecover();
        }
    }

    private void ThrowIfNotWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is { } fault)
        {
            throw new PassageStoreException($"The index refuses writes until its writer is reopened: {fault}", retryable: true);
        }
    }

    private void ThrowIfLost(long change)
    {
        foreach (var (from, to) in _lost)
        {
            if (change >= from && change <= to)
            {
                throw new PassageStoreException(
                    "The index writer failed before this write was committed and was rolled back: nothing of it was stored; send it again.", retryable: true);
            }
        }
    }

    /// <summary>Records why the writer cannot be trusted; from now on nothing commits until <see cref="TryRecover"/> rolls it back.</summary>
    private void MarkFaulted(string action, Exception e)
    {
        _fault ??= $"{action} failed: {e.GetType().Name}: {e.Message}";
        _logger?.LogError(e, "Lucene index at {Path}: {Action} failed; rolling back to the last commit and reopening the writer", Path, action);
    }

    /// <summary>Rolls back and tries to reopen, then the exception for the caller of the write that failed.</summary>
    private PassageStoreException Failed(string action, Exception e)
    {
        TryRecover();
        return new PassageStoreException(
            $"The index {action} failed ({e.GetType().Name}: {e.Message}); it was rolled back to its last commit: nothing of this write was stored; send it again.",
            retryable: true, e);
    }

    /// <summary>
    /// Rolls the failed writer back to its last commit (dropping every change after it, whose callers are told so),
    /// opens a new one and checks that the folder takes writes. Leaves <see cref="Fault"/> set when any step fails.
    /// </summary>
    private void TryRecover()
    {
        _commitGate.Wait();
        _writeLock.EnterWriteLock();
        try
        {
            if (_fault is null || _disposed)
            {
                return;
            }

            if (Volatile.Read(ref _applied) > _committed)
            {
                _lost = [.. _lost, (_committed + 1, Volatile.Read(ref _applied))];
            }

            try
            {
                _writer.Rollback();
            }
            catch (Exception e)
            {
                // A writer that cannot roll back may still hold the folder's lock.
                _logger?.LogWarning(e, "Lucene index at {Path}: rollback failed; unlocking the folder", Path);
                IndexWriter.Unlock(_directory);
            }

            _searchers.Dispose();
            _unrefreshedVersions.Clear();
            _writer = new IndexWriter(_directory, NewWriterConfig());
            _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory(_similarity));
            ProbeWrite();
            _logger?.LogInformation("Lucene index at {Path}: writer reopened at its last commit after: {Fault}", Path, _fault);
            _fault = null;
        }
        catch (Exception e)
        {
            _fault = $"reopening the writer failed: {e.GetType().Name}: {e.Message}";
            _logger?.LogError(e, "Lucene index at {Path}: could not reopen the writer; not ready until it can", Path);
        }
        finally
        {
            _writeLock.ExitWriteLock();
            _commitGate.Release();
        }
    }

    /// <summary>Writes, syncs and deletes a small file: opening a writer reads only, and a full disk must not pass for a recovery.</summary>
    private void ProbeWrite()
    {
        const string probe = "write-probe.tmp";
        using (var output = _directory.CreateOutput(probe, IOContext.DEFAULT))
        {
            output.WriteBytes(new byte[4096], 4096);
        }

        _directory.Sync([probe]);
        _directory.DeleteFile(probe);
    }
}
