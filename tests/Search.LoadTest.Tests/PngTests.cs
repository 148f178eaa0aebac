using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Search.Cli.Plotting;
using Search.LoadTest.Reporting;

namespace Search.LoadTest.Tests;

public sealed class PngTests
{
    [Fact]
    public void Crc32MatchesTheStandardCheckValue()
    {
        // The check value every CRC-32 (ISO-HDLC) implementation is specified against.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void AnEncodedRasterHasTheSignatureAValidIhdrAndItsPixelsBack()
    {
        var raster = new Raster(7, 3, Rgba.White);
        raster.SetPixel(0, 0, new Rgba(10, 20, 30, 40));
        raster.SetPixel(6, 2, new Rgba(200, 100, 50));

        var png = PngEncoder.Encode(raster);
        var chunks = ReadChunks(png);

        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        var header = chunks[0].Data;
        Assert.Equal(7, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        Assert.Equal([8, 6, 0, 0, 0], header[8..]);
        var rows = Inflate(chunks[1].Data);
        Assert.Equal(3 * (1 + (7 * 4)), rows.Length);
        Assert.Equal([0, 10, 20, 30, 40], rows[..5]);
        var last = (2 * 29) + 1 + (6 * 4);
        Assert.Equal([200, 100, 50, 255], rows[last..(last + 4)]);
    }

    [Fact]
    public void ThePlotDrawsTheCurveAndItsLabels()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 2000; i++)
        {
            histogram.Record(i * 10);
        }

        var raster = LatencyPlot.Draw(histogram, "test run");
        var png = PngEncoder.Encode(raster);

        Assert.Equal(LatencyPlot.Width, raster.Width);
        Assert.Equal(LatencyPlot.Height, raster.Height);
        Assert.Equal(PngEncoder.Signature, png[..8]);
        var colours = new HashSet<Rgba>();
        for (var y = 0; y < raster.Height; y++)
        {
            for (var x = 0; x < raster.Width; x++)
            {
                colours.Add(raster[x, y]);
            }
        }

        // Background, axes and text, grid, the curve, the percentile markers.
        Assert.True(colours.Count >= 5, $"{colours.Count} colours");
    }

    [Theory]
    [InlineData(0.9, 1.0, 0.2)]
    [InlineData(12.4, 15, 5)]
    [InlineData(1234, 1500, 500)]
    [InlineData(3, 3, 1)]
    public void TheLatencyAxisEndsOnANiceTick(double max, double top, double step)
    {
        var (actualTop, actualStep) = LatencyPlot.NiceScale(max);

        Assert.Equal(top, actualTop, 1e-9);
        Assert.Equal(step, actualStep, 1e-9);
    }

    [Theory]
    [InlineData(0, "0%")]
    [InlineData(1, "90%")]
    [InlineData(2, "99%")]
    [InlineData(3, "99.9%")]
    [InlineData(5, "99.999%")]
    public void TheNinesAxisIsLabelledInPercent(int nines, string label)
    {
        Assert.Equal(label, LatencyPlot.PercentileLabel(nines));
    }

    /// <summary>The chunks of a PNG, each checked against its CRC.</summary>
    internal static List<(string Type, byte[] Data)> ReadChunks(byte[] png)
    {
        Assert.Equal(PngEncoder.Signature, png[..8]);
        var chunks = new List<(string, byte[])>();
        var offset = 8;
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png[(offset + 8)..(offset + 8 + length)];
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(Crc32.Compute(png.AsSpan(offset + 4, 4 + length)), crc);
            chunks.Add((type, data));
            offset += 12 + length;
        }

        return chunks;
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var input = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
