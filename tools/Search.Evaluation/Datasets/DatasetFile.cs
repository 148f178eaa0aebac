using System.IO.Compression;

namespace Search.Evaluation.Datasets;

/// <summary>Opens dataset files, decompressing gzip whatever the file is called.</summary>
public static class DatasetFile
{
    /// <summary>Opens <paramref name="path"/> for reading; gzip is recognised by its magic bytes, not by the extension.</summary>
    public static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return DecompressIfGzip(file);
    }

    /// <summary>The non-blank lines of <paramref name="path"/> (gzip or not) with their 1-based line numbers, read lazily.</summary>
    public static IEnumerable<(int LineNumber, string Line)> NonBlankLines(string path)
    {
        using var reader = new StreamReader(Open(path));
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (lineNumber, line);
            }
        }
    }

    /// <summary>Wraps <paramref name="stream"/> in a gzip decoder when it starts with 1f 8b; the stream must be seekable or is buffered.</summary>
    public static Stream DecompressIfGzip(Stream stream)
    {
        var seekable = stream;
        if (!stream.CanSeek)
        {
            seekable = new MemoryStream();
            stream.CopyTo(seekable);
            stream.Dispose();
            seekable.Position = 0;
        }

        var start = seekable.Position;
        var first = seekable.ReadByte();
        var second = seekable.ReadByte();
        seekable.Position = start;
        return first == 0x1f && second == 0x8b ? new GZipStream(seekable, CompressionMode.Decompress) : seekable;
    }
}
