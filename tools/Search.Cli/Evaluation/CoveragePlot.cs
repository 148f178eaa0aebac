using System.Globalization;
using Search.Cli.Plotting;

namespace Search.Cli.Evaluation;

/// <summary>
/// The precision–coverage curve of an <c>eval squad</c> run as an image: box precision against the share
/// of questions that get a box, one point per confidence threshold, with the target precision and the
/// point the service actually ran at.
/// </summary>
public static class CoveragePlot
{
    public const int Width = 900;
    public const int Height = 560;

    private const int Left = 80;
    private const int Right = 40;
    private const int Top = 70;
    private const int Bottom = 60;
    private const double MinPrecision = 0.5;

    private static readonly Rgba Axis = new(40, 40, 40);
    private static readonly Rgba Grid = new(225, 225, 225);
    private static readonly Rgba Curve = new(31, 100, 200);
    private static readonly Rgba Target = new(60, 150, 60);
    private static readonly Rgba Marker = new(200, 60, 40);

    /// <summary>Thresholds the plotted curve samples: 0.00, 0.01, … 1.00.</summary>
    public static IEnumerable<double> Thresholds => Enumerable.Range(0, 101).Select(i => i / 100.0);

    public static Raster Draw(IReadOnlyList<CoveragePoint> curve, double targetPrecision, double boxPrecision, double boxCoverage, string caption)
    {
        var image = new Raster(Width, Height, Rgba.White);
        int plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        image.DrawText(Left, 16, "BOX PRECISION BY COVERAGE", Axis, scale: 2);
        image.DrawText(Left, 40, caption, Axis);

        int X(double coverage) => Left + (int)Math.Round(Math.Clamp(coverage, 0, 1) * plotWidth);
        int Y(double precision) => Top + plotHeight - (int)Math.Round((Math.Clamp(precision, MinPrecision, 1) - MinPrecision) / (1 - MinPrecision) * plotHeight);

        for (var i = 0; i <= 10; i++)
        {
            var coverage = i / 10.0;
            image.DrawLine(X(coverage), Top, X(coverage), Top + plotHeight, Grid);
            var label = Format(coverage);
            image.DrawText(X(coverage) - (Raster.TextWidth(label) / 2), Top + plotHeight + 10, label, Axis);
        }

        for (var i = 0; i <= 5; i++)
        {
            var precision = MinPrecision + (i * (1 - MinPrecision) / 5);
            image.DrawLine(Left, Y(precision), Left + plotWidth, Y(precision), Grid);
            var label = Format(precision);
            image.DrawText(Left - 8 - Raster.TextWidth(label), Y(precision) - 3, label, Axis);
        }

        image.DrawLine(Left, Top, Left, Top + plotHeight, Axis);
        image.DrawLine(Left, Top + plotHeight, Left + plotWidth, Top + plotHeight, Axis);
        image.DrawText(Left - 8 - Raster.TextWidth("PRECISION"), Top - 16, "PRECISION", Axis);
        const string xTitle = "COVERAGE (SHARE OF QUESTIONS WITH A BOX)";
        image.DrawText(Left + ((plotWidth - Raster.TextWidth(xTitle)) / 2), Height - 22, xTitle, Axis);

        image.DrawLine(Left, Y(targetPrecision), Left + plotWidth, Y(targetPrecision), Target, thickness: 1, dash: 6);
        var targetLabel = $"TARGET {Format(targetPrecision)}";
        image.DrawText(Left + plotWidth - Raster.TextWidth(targetLabel), Y(targetPrecision) - 12, targetLabel, Target);

        int? previousX = null, previousY = null;
        foreach (var point in curve.Where(p => p.Shown > 0).OrderByDescending(p => p.Threshold))
        {
            var (x, y) = (X(point.Coverage), Y(point.Precision));
            if (previousX is { } px && previousY is { } py)
            {
                image.DrawLine(px, py, x, y, Curve, thickness: 2);
            }

            (previousX, previousY) = (x, y);
        }

        if (boxCoverage > 0)
        {
            var (x, y) = (X(boxCoverage), Y(boxPrecision));
            image.FillRectangle(x - 4, y - 4, 9, 9, Marker);
            var label = $"SERVICE {Format(boxPrecision)} AT {Format(boxCoverage)}";
            var width = Raster.TextWidth(label);
            var labelX = x + 10 + width <= Width - 4 ? x + 10 : x - 10 - width;
            image.FillRectangle(labelX - 2, y + 6, width + 4, BitmapFont.Height + 4, Rgba.White);
            image.DrawText(labelX, y + 8, label, Marker);
        }

        return image;
    }

    private static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
