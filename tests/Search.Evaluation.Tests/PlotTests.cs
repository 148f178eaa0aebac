using System.Buffers.Binary;
using Search.Evaluation.Plots;
using SkiaSharp;

namespace Search.Evaluation.Tests;

public sealed class PlotTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly (double Coverage, double Precision)[] Curve = [(0.1, 0.98), (0.3, 0.95), (0.55, 0.9), (0.8, 0.8), (1.0, 0.62)];

    private readonly string _folder = Directory.CreateTempSubdirectory("plots-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void CoveragePlotIsAPngOfTheRequestedSize()
    {
        var path = Path.Combine(_folder, "coverage.png");

        CoveragePlot.Save(path, Curve, targetPrecision: 0.9, boxPrecision: 0.91, boxCoverage: 0.5, "dev-v1.1.json, 500 questions", width: 640, height: 400);

        var (width, height) = PngSize(File.ReadAllBytes(path));
        Assert.Equal((640, 400), (width, height));
    }

    [Fact]
    public void CoveragePlotHasItsDefaultSizeWhenNoneIsAsked()
    {
        var path = Path.Combine(_folder, "coverage.png");

        CoveragePlot.Save(path, Curve, 0.9, 0.91, 0.5, "dev-v1.1.json");

        Assert.Equal((CoveragePlot.Width, CoveragePlot.Height), PngSize(File.ReadAllBytes(path)));
    }

    [Theory]
    [InlineData("cmrc2018_dev.json 中文问答, 200 questions")]
    [InlineData("DRCD_dev.json 繁體中文, 200 questions (held out)")]
    public void CoveragePlotWithAChineseCaptionRenders(string caption)
    {
        var path = Path.Combine(_folder, "coverage-zh.png");

        CoveragePlot.Save(path, Curve, 0.9, 0.91, 0.5, caption);

        Assert.Equal((CoveragePlot.Width, CoveragePlot.Height), PngSize(File.ReadAllBytes(path)));
    }

    [Fact]
    public void CoveragePlotOfARunWithoutBoxesRenders()
    {
        var path = Path.Combine(_folder, "empty.png");

        CoveragePlot.Save(path, [], 0.9, boxPrecision: 0, boxCoverage: 0, "nothing answered");

        Assert.Equal((CoveragePlot.Width, CoveragePlot.Height), PngSize(File.ReadAllBytes(path)));
    }

    [Fact]
    public void ChineseTextGetsAFontWithItsGlyphsWhenOneIsInstalled()
    {
        const string text = "中文问答 繁體";
        Search.TestKit.Prerequisite.Require(SKFontManager.Default.FontFamilies.Any(f => HasGlyphs(f, "中文问答繁體")), "no Chinese font installed (make test installs fonts-wqy-microhei)");

        Assert.True(HasGlyphs(PlotFonts.For(text), "中文问答繁體"));
    }

    private static bool HasGlyphs(string family, string text)
    {
        using var typeface = SKFontManager.Default.MatchFamily(family);
        return typeface?.ContainsGlyphs(text) == true;
    }

    /// <summary>The size a PNG declares: width and height open its first chunk, IHDR, right after the signature.</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
