using System.Globalization;
using ScottPlot;

namespace Search.Evaluation.Plots;

/// <summary>
/// The precision–coverage curve of an <c>eval squad</c> run as a PNG: box precision against the share of
/// questions that get a box, one point per confidence threshold, with the target precision and the point
/// the service actually ran at.
/// </summary>
public static class CoveragePlot
{
    public const int Width = 900;
    public const int Height = 560;

    private const string Title = "Box precision by coverage";

    /// <summary>Thresholds the plotted curve samples: 0.00, 0.01, … 1.00.</summary>
    public static IEnumerable<double> Thresholds => Enumerable.Range(0, 101).Select(i => i / 100.0);

    /// <summary>Draws the plot and writes it to <paramref name="path"/>.</summary>
    /// <param name="curve">the points in drawing order, from the highest threshold (least coverage) down</param>
    /// <param name="caption">what was measured: the dataset, how many questions</param>
    public static void Save(
        string path,
        IReadOnlyList<(double Coverage, double Precision)> curve,
        double targetPrecision,
        double boxPrecision,
        double boxCoverage,
        string caption,
        int width = Width,
        int height = Height)
    {
        var plot = new Plot();
        var c = CultureInfo.InvariantCulture;

        var line = plot.Add.ScatterLine(curve.Select(p => p.Coverage).ToArray(), curve.Select(p => p.Precision).ToArray());
        line.LineWidth = 2;
        line.LegendText = "box precision at each confidence threshold";

        var target = plot.Add.HorizontalLine(targetPrecision);
        target.LinePattern = LinePattern.Dashed;
        target.LegendText = string.Create(c, $"target precision {targetPrecision:0.00}");

        if (boxCoverage > 0)
        {
            var service = plot.Add.Marker(boxCoverage, boxPrecision, MarkerShape.FilledSquare, size: 9);
            service.LegendText = string.Create(c, $"the service: {boxPrecision:0.00} at {boxCoverage:0.00}");
        }

        plot.Title($"{Title}\n{caption}");
        plot.XLabel("coverage (share of questions with a box)");
        plot.YLabel("precision");
        // The interesting part is above one half; a curve that goes lower is not cut off.
        var lowest = curve.Select(p => p.Precision).Concat(boxCoverage > 0 ? [boxPrecision] : []).DefaultIfEmpty(0.5).Min();
        plot.Axes.SetLimits(0, 1, Math.Min(0.5, Math.Floor(lowest * 10) / 10), 1.02);
        plot.ShowLegend(Alignment.LowerLeft);
        plot.Font.Set(PlotFonts.For($"{Title}{caption}"));

        plot.SavePng(path, width, height);
    }
}
