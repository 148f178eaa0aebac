using Lucene.Net.Store;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Search.Retrieval.Tests;

/// <summary>
/// The index folder as a disk that fills up on demand: once <see cref="FailAfter"/> is called, every file created
/// afterwards takes that many bytes and then throws what a full disk throws, and so does creating, syncing and
/// renaming files, until <see cref="Heal"/> (or, after <see cref="FailOnceAfter"/>, once). Reads and earlier files work throughout.
/// </summary>
public sealed class FailingDirectory(LuceneDirectory inner) : FilterDirectory(inner)
{
    private long _budget = long.MaxValue;
    private volatile bool _once;

    public bool Failing => Interlocked.Read(ref _budget) != long.MaxValue;

    /// <summary>From now on, files take <paramref name="bytes"/> more bytes in all, then fail.</summary>
    public void FailAfter(long bytes) => Interlocked.Exchange(ref _budget, bytes);

    /// <summary>A transient error: the write that passes <paramref name="bytes"/> fails, and the disk is fine again after it.</summary>
    public void FailOnceAfter(long bytes)
    {
        _once = true;
        FailAfter(bytes);
    }

    public void Heal()
    {
        _once = false;
        Interlocked.Exchange(ref _budget, long.MaxValue);
    }

    public override IndexOutput CreateOutput(string name, IOContext context)
    {
        if (Failing && Interlocked.Read(ref _budget) <= 0)
        {
            throw Full(name);
        }

        return new Output(this, name, base.CreateOutput(name, context));
    }

    public override void Sync(ICollection<string> names)
    {
        if (Failing && Interlocked.Read(ref _budget) <= 0)
        {
            throw Full(string.Join(", ", names));
        }

        base.Sync(names);
    }

    private void Take(string name, int bytes)
    {
        if (Failing && Interlocked.Add(ref _budget, -bytes) < 0)
        {
            if (_once)
            {
                Heal();
            }

            throw Full(name);
        }
    }

    private static IOException Full(string name) => new($"No space left on device (writing {name})");

    private sealed class Output(FailingDirectory owner, string name, IndexOutput inner) : IndexOutput
    {
        public override void WriteByte(byte b)
        {
            owner.Take(name, 1);
            inner.WriteByte(b);
        }

        public override void WriteBytes(byte[] b, int offset, int length)
        {
            owner.Take(name, length);
            inner.WriteBytes(b, offset, length);
        }

        public override void Flush() => inner.Flush();

        [Obsolete("Lucene's own Seek is obsolete too.")]
        public override void Seek(long pos) => inner.Seek(pos);

        public override long Position => inner.Position;

        public override long Checksum => inner.Checksum;

        public override long Length
        {
            get => inner.Length;
            set => inner.Length = value;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
        }
    }
}
