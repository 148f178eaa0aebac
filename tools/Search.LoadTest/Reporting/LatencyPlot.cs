using System.Globalization;
using Search.Cli.Plotting;

namespace Search.LoadTest.Reporting;

/// <summary>
/// The percentile spectrum of a run: latency (ms, linear) against percentile on a "nines" axis, where each
/// step right is ten times rarer (90%, 99%, 99.9%…), so the tail a user hits one time in a thousand is as
/// visible as the median.
/// </summary>
public static class LatencyPlot
{
    public const int Width = 900;
    public const int Height = 520;

    private const int Left = 80;
    private const int Right = 30;
    private const int Top = 70;
    private const int Bottom = 60;
    private const int MaxNines = 6;

    private static readonly Rgba Axis = new(40, 40, 40);
    private static readonly Rgba Grid = new(225, 225, 225);
    private static readonly Rgba Curve = new(31, 100, 200);
    private static readonly Rgba Marker = new(200, 60, 40);

    /// <summary>Draws the spectrum of <paramref name="micros"/> (a histogram of microseconds) with a caption line under the title.</summary>
    public static Raster Draw(LatencyHistogram micros, string caption)
    {
        var image = new Raster(Width, Height, Rgba.White);
        int plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        image.DrawText(Left, 16, "LATENCY BY PERCENTILE", Axis, scale: 2);
        image.DrawText(Left, 40, caption, Axis);

        // Enough nines to reach the rarest request measured: 1,000 requests resolve 99.9%.
        var nines = Math.Clamp((int)Math.Ceiling(Math.Log10(Math.Max(10, micros.Count)) - 1e-9), 1, MaxNines);
        var maxMs = micros.Count == 0 ? 1 : Math.Max(micros.Max / 1000.0, 0.01);
        var (yTop, yStep) = NiceScale(maxMs);

        int X(double n) => Left + (int)Math.Round(n / nines * plotWidth);
        int Y(double ms) => Top + plotHeight - (int)Math.Round(ms / yTop * plotHeight);

        for (var i = 0; i * yStep <= yTop + (yStep / 2); i++)
        {
            var tick = i * yStep;
            image.DrawLine(Left, Y(tick), Left + plotWidth, Y(tick), Grid);
            var label = FormatMs(tick);
            image.DrawText(Left - 8 - Raster.TextWidth(label), Y(tick) - 3, label, Axis);
        }

        for (var n = 0; n <= nines; n++)
        {
            image.DrawLine(X(n), Top, X(n), Top + plotHeight, Grid);
            image.DrawLine(X(n), Top + plotHeight, X(n), Top + plotHeight + 5, Axis);
            var label = PercentileLabel(n);
            image.DrawText(X(n) - (Raster.TextWidth(label) / 2), Top + plotHeight + 10, label, Axis);
        }

        image.DrawLine(Left, Top, Left, Top + plotHeight, Axis);
        image.DrawLine(Left, Top + plotHeight, Left + plotWidth, Top + plotHeight, Axis);
        image.DrawText(Left - 8 - Raster.TextWidth("MS"), Top - 16, "MS", Axis);
        const string xTitle = "PERCENTILE";
        image.DrawText(Left + ((plotWidth - Raster.TextWidth(xTitle)) / 2), Height - 22, xTitle, Axis);

        if (micros.Count == 0)
        {
            const string empty = "NO SUCCESSFUL REQUESTS";
            image.DrawText(Left + ((plotWidth - Raster.TextWidth(empty, 2)) / 2), Top + (plotHeight / 2), empty, Marker, scale: 2);
            return image;
        }

        // One sample per pixel column; the last column is the maximum.
        int? previousX = null, previousY = null;
        for (var column = 0; column <= plotWidth; column++)
        {
            var n = (double)column / plotWidth * nines;
            var percentile = column == plotWidth ? 100 : Math.Min(100, 100 * (1 - Math.Pow(10, -n)));
            var y = Y(micros.ValueAtPercentile(percentile) / 1000);
            if (previousX is { } px && previousY is { } py)
            {
                image.DrawLine(px, py, Left + column, y, Curve, thickness: 2);
            }

            (previousX, previousY) = (Left + column, y);
        }

        foreach (var (n, percentile, name) in new[] { (Math.Log10(2), 50.0, "P50"), (2.0, 99.0, "P99"), (3.0, 99.9, "P99.9") })
        {
            if (n > nines)
            {
                continue;
            }

            var ms = micros.ValueAtPercentile(percentile) / 1000;
            var (x, y) = (X(n), Y(ms));
            image.FillRectangle(x - 3, y - 3, 7, 7, Marker);
            // The curve only rises, so below-right of a point is clear; at the right edge, above-left is.
            var label = $"{name} {FormatMs(ms)}";
            var width = Raster.TextWidth(label);
            var (labelX, labelY) = x + 8 + width <= Width - 4 ? (x + 8, y + 6) : (x - 8 - width, y - 14);
            image.FillRectangle(labelX - 2, labelY - 2, width + 4, BitmapFont.Height + 4, Rgba.White);
            image.DrawText(labelX, labelY, label, Marker);
        }

        return image;
    }

    /// <summary>The axis top and tick step for values up to <paramref name="max"/>: steps of 1, 2 or 5 times a power of ten, about five ticks.</summary>
    internal static (double Top, double Step) NiceScale(double max)
    {
        var rough = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = (rough / magnitude) switch
        {
            <= 1 => magnitude,
            <= 2 => 2 * magnitude,
            <= 5 => 5 * magnitude,
            _ => 10 * magnitude,
        };
        return (Math.Ceiling((max / step) - 1e-9) * step, step);
    }

    /// <summary>"0%", "90%", "99%", "99.9%"… for 0, 1, 2, 3 nines.</summary>
    internal static string PercentileLabel(int nines) => nines switch
    {
        0 => "0%",
        1 => "90%",
        2 => "99%",
        _ => "99." + new string('9', nines - 2) + "%",
    };

    private static string FormatMs(double ms) =>
        ms.ToString(ms >= 100 ? "0" : ms >= 1 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
}
