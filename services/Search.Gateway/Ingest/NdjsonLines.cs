using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace Search.Gateway.Ingest;

/// <summary>One line of an NDJSON body: its number from 1, and its text, or null when its bytes are not UTF-8.</summary>
public readonly record struct NdjsonLine(int Number, string? Text);

/// <summary>
/// Reads an NDJSON body line by line as it arrives. Each line is decoded strictly, so a line that is not UTF-8 is
/// rejected alone rather than stored with replacement characters, and the lines around it still land.
/// </summary>
public static class NdjsonLines
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    public static async IAsyncEnumerable<NdjsonLine> ReadAsync(PipeReader body, [EnumeratorCancellation] CancellationToken ct)
    {
        var number = 0;
        while (true)
        {
            var result = await body.ReadAsync(ct);
            var buffer = result.Buffer;
            var lines = new List<NdjsonLine>();
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                lines.Add(Decode(buffer.Slice(0, end), ++number));
                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }

            if (result.IsCompleted && !buffer.IsEmpty)
            {
                lines.Add(Decode(buffer, ++number));
                buffer = buffer.Slice(buffer.End);
            }

            // Decoded before the reader moves on: the buffer's memory is the pipe's until then.
            body.AdvanceTo(buffer.Start, buffer.End);
            foreach (var line in lines)
            {
                yield return line;
            }

            if (result.IsCompleted)
            {
                yield break;
            }
        }
    }

    private static NdjsonLine Decode(ReadOnlySequence<byte> bytes, int number)
    {
        if (number == 1 && bytes.Length >= ByteOrderMark.Length && bytes.Slice(0, ByteOrderMark.Length).ToArray().AsSpan().SequenceEqual(ByteOrderMark))
        {
            bytes = bytes.Slice(ByteOrderMark.Length);
        }

        try
        {
            var text = Strict.GetString(bytes);
            return new NdjsonLine(number, text.EndsWith('\r') ? text[..^1] : text);
        }
        catch (DecoderFallbackException)
        {
            return new NdjsonLine(number, null);
        }
    }
}
