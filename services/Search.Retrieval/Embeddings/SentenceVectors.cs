using System.Buffers.Binary;
using Search.Text;

namespace Search.Retrieval.Embeddings;

/// <summary>
/// The sentence vectors of one passage: each sentence's range in the passage's text and its unit vector in eight bits
/// (one scale per vector, 388 bytes a sentence instead of 1,536), so that a search can tell the answer service how close
/// each sentence of a hit is to the query. A question put in other words than the sentence that answers it shares few of
/// its words, and the answer service reads sentences by their words first (docs/quality.md, "Sentences read for their meaning").
/// </summary>
public sealed class SentenceVectors
{
    private const byte FormatVersion = 1;
    private const int Dimensions = PassageEmbedder.Dimensions;
    private const int BytesPerSentence = 2 * sizeof(int) + sizeof(float) + Dimensions;

    private readonly TextRange[] _ranges;
    private readonly float[] _scales;
    private readonly sbyte[] _values;

    private SentenceVectors(TextRange[] ranges, float[] scales, sbyte[] values)
    {
        _ranges = ranges;
        _scales = scales;
        _values = values;
    }

    /// <summary>The sentences, as ranges of the passage's text, in order.</summary>
    public IReadOnlyList<TextRange> Ranges => _ranges;

    /// <summary>The sentences of <paramref name="ranges"/> with their unit vectors, each rounded to eight bits.</summary>
    public static SentenceVectors Quantize(IReadOnlyList<TextRange> ranges, IReadOnlyList<float[]> vectors)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(vectors.Count, ranges.Count);
        var scales = new float[ranges.Count];
        var values = new sbyte[ranges.Count * Dimensions];
        for (var s = 0; s < ranges.Count; s++)
        {
            var vector = vectors[s];
            ArgumentOutOfRangeException.ThrowIfNotEqual(vector.Length, Dimensions);
            var largest = 0f;
            foreach (var x in vector)
            {
                largest = Math.Max(largest, Math.Abs(x));
            }

            var scale = largest > 0 ? largest / 127f : 1f;
            scales[s] = scale;
            for (var i = 0; i < Dimensions; i++)
            {
                values[s * Dimensions + i] = (sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127, 127);
            }
        }

        return new SentenceVectors([.. ranges], scales, values);
    }

    /// <summary>Each sentence's cosine similarity to the unit vector <paramref name="query"/>, in the order of <see cref="Ranges"/>.</summary>
    public double[] Similarities(ReadOnlySpan<float> query)
    {
        var similarities = new double[_ranges.Length];
        if (query.Length != Dimensions)
        {
            return similarities;
        }

        for (var s = 0; s < _ranges.Length; s++)
        {
            var values = _values.AsSpan(s * Dimensions, Dimensions);
            double dot = 0;
            for (var i = 0; i < Dimensions; i++)
            {
                dot += values[i] * query[i];
            }

            similarities[s] = dot * _scales[s];
        }

        return similarities;
    }

    /// <summary>The stored form: a version byte, the count, then per sentence its start, end, scale and values, little-endian.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[1 + sizeof(int) + _ranges.Length * BytesPerSentence];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), _ranges.Length);
        var at = 1 + sizeof(int);
        for (var s = 0; s < _ranges.Length; s++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), _ranges[s].Start);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at + 4), _ranges[s].End);
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at + 8), _scales[s]);
            for (var i = 0; i < Dimensions; i++)
            {
                bytes[at + 12 + i] = (byte)_values[s * Dimensions + i];
            }

            at += BytesPerSentence;
        }

        return bytes;
    }

    /// <summary>Reads <see cref="ToBytes"/>'s form; throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static SentenceVectors FromBytes(byte[] bytes, int offset, int length)
    {
        var data = bytes.AsSpan(offset, length);
        if (data.Length < 1 + sizeof(int) || data[0] != FormatVersion)
        {
            throw new InvalidDataException($"stored sentence vectors of {length} bytes are not in format {FormatVersion}");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(data[1..]);
        if (count < 0 || data.Length != 1 + sizeof(int) + (long)count * BytesPerSentence)
        {
            throw new InvalidDataException($"stored sentence vectors of {length} bytes do not hold {count} sentences");
        }

        var ranges = new TextRange[count];
        var scales = new float[count];
        var values = new sbyte[count * Dimensions];
        var at = 1 + sizeof(int);
        for (var s = 0; s < count; s++)
        {
            ranges[s] = new TextRange(BinaryPrimitives.ReadInt32LittleEndian(data[at..]), BinaryPrimitives.ReadInt32LittleEndian(data[(at + 4)..]));
            scales[s] = BinaryPrimitives.ReadSingleLittleEndian(data[(at + 8)..]);
            for (var i = 0; i < Dimensions; i++)
            {
                values[s * Dimensions + i] = (sbyte)data[at + 12 + i];
            }

            at += BytesPerSentence;
        }

        return new SentenceVectors(ranges, scales, values);
    }
}
