using System.Buffers.Binary;
using System.Text;
using Search.Evaluation.Plots;

namespace Search.Evaluation.Tests;

public sealed class LatencyPlotTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Theory]
    [InlineData(LatencyPlot.DefaultWidth, LatencyPlot.DefaultHeight)]
    [InlineData(640, 360)]
    public void ThePlotIsAPngOfTheRequestedSize(int width, int height)
    {
        var png = LatencyPlot.DrawPng(2000, p => p / 10, "test run", width, height);

        Assert.Equal((width, height), Size(png));
    }

    [Fact]
    public void ARunWithoutSuccessfulRequestsStillGivesAPlot()
    {
        var png = LatencyPlot.DrawPng(0, _ => throw new InvalidOperationException("an empty run has no percentiles"), "no luck");

        Assert.Equal((LatencyPlot.DefaultWidth, LatencyPlot.DefaultHeight), Size(png));
    }

    [Fact]
    public void TheCurveRunsToTheMaximumAndMarksTheMedianAndTheTail()
    {
        var asked = new List<double>();

        LatencyPlot.DrawPng(1000, p =>
        {
            asked.Add(p);
            return p;
        }, "1,000 requests");

        Assert.All(asked, p => Assert.InRange(p, 0, 100));
        Assert.Equal(100, asked.Max());
        Assert.Contains(50, asked);
        Assert.Contains(99, asked);
        Assert.Contains(99.9, asked);
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

    /// <summary>Width and height from the IHDR chunk, which a PNG must open with right after its signature.</summary>
    private static (int Width, int Height) Size(byte[] png)
    {
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
