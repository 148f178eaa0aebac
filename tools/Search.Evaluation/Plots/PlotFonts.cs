using ScottPlot;
using SkiaSharp;

namespace Search.Evaluation.Plots;

/// <summary>Picks the font a plot's texts can be drawn in: titles may name a Chinese dataset or quote a Chinese question.</summary>
public static class PlotFonts
{
    /// <summary>
    /// A font with a glyph for every character of <paramref name="text"/>: ScottPlot's pick, else the default font,
    /// else the first installed family that has them; when none has, the default font (missing glyphs drawn as boxes).
    /// </summary>
    public static string For(string text)
    {
        var characters = string.Concat(text.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c)));
        if (characters.Length == 0)
        {
            return Fonts.Default;
        }

        // Fonts.Detect matches characters through fontconfig; the self-contained Linux Skia has none and
        // detects nothing, so the installed families are asked one by one.
        return new[] { Fonts.Detect(characters), Fonts.Default }
            .Concat(SKFontManager.Default.FontFamilies)
            .FirstOrDefault(family => HasGlyphs(family, characters))
            ?? Fonts.Default;
    }

    private static bool HasGlyphs(string family, string characters)
    {
        if (string.IsNullOrEmpty(family))
        {
            return false;
        }

        using var typeface = SKFontManager.Default.MatchFamily(family);
        return typeface is not null && typeface.ContainsGlyphs(characters);
    }
}
