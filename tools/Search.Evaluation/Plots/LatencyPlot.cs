using System.Globalization;
using ScottPlot;

namespace Search.Evaluation.Plots;

/// <summary>
/// The percentile spectrum of a load test: latency (ms, linear) against percentile on a "nines" axis, where each
/// step right is ten times rarer (90%, 99%, 99.9%…), so the tail a user hits one time in a thousand is as
/// visible as the median.
/// </summary>
public static class LatencyPlot
{
    public const int DefaultWidth = 900;
    public const int DefaultHeight = 520;

    private const int MaxNines = 6;
    private const int Samples = 600;

    private static readonly Color Curve = new(31, 100, 200);
    private static readonly Color Marker = new(200, 60, 40);

    /// <summary>
    /// Draws the spectrum of <paramref name="count"/> latencies as a PNG, with <paramref name="caption"/> under the title.
    /// </summary>
    /// <param name="latencyMsAt">The latency in milliseconds at a percentile from 0 to 100 (100: the maximum).</param>
    public static byte[] DrawPng(long count, Func<double, double> latencyMsAt, string caption, int width = DefaultWidth, int height = DefaultHeight)
    {
        using var plot = new Plot();
        plot.Title($"Latency by percentile\n{caption}", size: 14);
        plot.XLabel("percentile");
        plot.YLabel("ms");
        // The caption names the query file, which may be Chinese: the same font choice as the coverage plot.
        plot.Font.Set(PlotFonts.For(caption));

        // Enough nines to reach the rarest request measured: 1,000 requests resolve 99.9%.
        var nines = Math.Clamp((int)Math.Ceiling(Math.Log10(Math.Max(10, count)) - 1e-9), 1, MaxNines);
        var ticks = Enumerable.Range(0, nines + 1).ToArray();
        plot.Axes.Bottom.SetTicks([.. ticks.Select(n => (double)n)], [.. ticks.Select(PercentileLabel)]);
        // A little room on the right, so the last tick label is not cut at the edge of the image.
        var right = nines * 1.04;

        if (count == 0)
        {
            plot.Axes.SetLimits(0, right, 0, 1);
            var empty = plot.Add.Annotation("No successful requests", Alignment.MiddleCenter);
            empty.LabelFontSize = 20;
            empty.LabelFontColor = Marker;
            empty.LabelBackgroundColor = Colors.White;
            empty.LabelBorderColor = Marker;
            empty.LabelShadowColor = Colors.Transparent;
            return plot.GetImageBytes(width, height, ImageFormat.Png);
        }

        var xs = new double[Samples + 1];
        var ys = new double[Samples + 1];
        for (var i = 0; i <= Samples; i++)
        {
            xs[i] = (double)i / Samples * nines;
            ys[i] = latencyMsAt(i == Samples ? 100 : Math.Min(100, 100 * (1 - Math.Pow(10, -xs[i]))));
        }

        plot.Add.ScatterLine(xs, ys, Curve).LineWidth = 2;

        foreach (var (n, percentile, name) in new[] { (Math.Log10(2), 50.0, "p50"), (2.0, 99.0, "p99"), (3.0, 99.9, "p99.9") })
        {
            if (n > nines)
            {
                continue;
            }

            var ms = latencyMsAt(percentile);
            plot.Add.Marker(n, ms, MarkerShape.FilledSquare, 7, Marker);
            var label = plot.Add.Text($"{name} {FormatMs(ms)} ms", n, ms);
            label.LabelFontSize = 13;
            label.LabelFontColor = Marker;
            label.LabelBackgroundColor = Colors.White;
            // The curve only rises, so below-right of a point is clear; near the right edge, above-left is.
            var nearRightEdge = n > nines - 0.6;
            label.LabelAlignment = nearRightEdge ? Alignment.LowerRight : Alignment.UpperLeft;
            label.OffsetX = nearRightEdge ? -8 : 8;
            label.OffsetY = nearRightEdge ? -6 : 6;
        }

        plot.Axes.SetLimits(0, right, 0, Math.Max(ys.Max(), 0.01) * 1.08);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>"0%", "90%", "99%", "99.9%"… for 0, 1, 2, 3 nines.</summary>
    public static string PercentileLabel(int nines) => nines switch
    {
        0 => "0%",
        1 => "90%",
        2 => "99%",
        _ => "99." + new string('9', nines - 2) + "%",
    };

    private static string FormatMs(double ms) =>
        ms.ToString(ms >= 100 ? "0" : ms >= 1 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
}
