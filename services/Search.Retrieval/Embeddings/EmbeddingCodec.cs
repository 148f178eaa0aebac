using System.Buffers.Binary;

namespace Search.Retrieval.Embeddings;

/// <summary>Vectors as bytes for stored fields: each float little-endian, so an index reads the same on any machine.</summary>
public static class EmbeddingCodec
{
    public static byte[] ToBytes(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return bytes;
    }

    public static float[] FromBytes(byte[] bytes, int offset, int length)
    {
        if (length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"a stored vector of {length} bytes is not a whole number of floats");
        }

        var vector = new float[length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + i * sizeof(float)));
        }

        return vector;
    }
}
