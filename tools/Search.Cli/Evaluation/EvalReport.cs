using System.Globalization;
using System.Text;
using Search.Evaluation;

namespace Search.Cli.Evaluation;

/// <summary>One point of the precision–coverage curve: boxes shown at confidence ≥ <see cref="Threshold"/>.</summary>
public sealed record CoveragePoint(double Threshold, int Shown, int Correct, double Coverage, double Precision);

/// <summary>The aggregate of a SQuAD evaluation run: the table and the one-line summary. No I/O.</summary>
public sealed class EvalReport
{
    /// <summary>Confidence thresholds of the printed precision–coverage curve.</summary>
    public static readonly double[] CurveThresholds = [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

    private readonly IReadOnlyList<QuestionOutcome> _outcomes;

    public EvalReport(IReadOnlyList<QuestionOutcome> outcomes)
    {
        _outcomes = outcomes;
        Questions = outcomes.Count;
        ExactMatches = outcomes.Sum(o => o.ExactMatch);
        F1Sum = outcomes.Sum(o => o.F1);
        Top1Hits = outcomes.Count(o => o.Top1);
        Top5Hits = outcomes.Count(o => o.Top5);
        BoxesShown = outcomes.Count(o => o.BoxShown);
        BoxesCorrect = outcomes.Count(o => o.BoxCorrect);
        Failures = outcomes.Count(o => o.Failed);
        var latencies = outcomes.Where(o => !o.Failed).Select(o => o.LatencyMs).ToArray();
        P50Ms = Percentiles.Of(latencies, 50);
        P99Ms = Percentiles.Of(latencies, 99);
        var boxedCpu = outcomes.Where(o => o.BoxShown && o.AnswerCpuMs is not null).Select(o => o.AnswerCpuMs!.Value).ToArray();
        AnswerCpuBoxed = boxedCpu.Length;
        AnswerCpuBoxedP50Ms = Percentiles.Of(boxedCpu, 50);
        var cpu = outcomes.Where(o => o.AnswerCpuMs is not null).Select(o => o.AnswerCpuMs!.Value).ToArray();
        AnswerCpuP50Ms = Percentiles.Of(cpu, 50);
        AnswerCpuMeanMs = cpu.Length == 0 ? 0 : cpu.Average();
    }

    public int Questions { get; }
    public double ExactMatches { get; }
    public double F1Sum { get; }
    public int Top1Hits { get; }
    public int Top5Hits { get; }
    public int BoxesShown { get; }
    public int BoxesCorrect { get; }
    public int Failures { get; }
    public double P50Ms { get; }
    public double P99Ms { get; }

    /// <summary>The answer stage's reported CPU per question with a box (median, over <see cref="AnswerCpuBoxed"/> of them).</summary>
    public double AnswerCpuBoxedP50Ms { get; }
    public int AnswerCpuBoxed { get; }

    /// <summary>The answer stage's reported CPU over every question it was asked, median and mean.</summary>
    public double AnswerCpuP50Ms { get; }
    public double AnswerCpuMeanMs { get; }

    public double Em => Share(ExactMatches, Questions);
    public double F1 => Share(F1Sum, Questions);
    public double Top1 => Share(Top1Hits, Questions);
    public double Top5 => Share(Top5Hits, Questions);
    public double BoxCoverage => Share(BoxesShown, Questions);
    public double BoxPrecision => Share(BoxesCorrect, BoxesShown);

    /// <summary>
    /// What the box would do at each <paramref name="thresholds"/>: shown when the best candidate's confidence
    /// is at least the threshold; precision is the share of those whose highlight holds a gold answer, coverage
    /// the share of all questions that get one. The service's own threshold is one point of it.
    /// </summary>
    public IReadOnlyList<CoveragePoint> PrecisionCoverage(IEnumerable<double> thresholds) => thresholds
        .Select(threshold =>
        {
            var shown = _outcomes.Where(o => o.CandidateConfidence >= threshold).ToList();
            var correct = shown.Count(o => o.CandidateCorrect);
            return new CoveragePoint(threshold, shown.Count, correct, Share(shown.Count, Questions), Share(correct, shown.Count));
        })
        .ToList();

    /// <summary>The curve as printed after the table.</summary>
    public string CurveTable()
    {
        var table = new StringBuilder("precision-coverage by confidence threshold (best candidate, shown or not):\n");
        table.Append(CultureInfo.InvariantCulture, $"{"threshold",-12}{"coverage",10}{"precision",11}  shown").Append('\n');
        foreach (var point in PrecisionCoverage(CurveThresholds))
        {
            table.Append(CultureInfo.InvariantCulture, $"{point.Threshold,-12:F2}{point.Coverage,10:F3}{point.Precision,11:F3}  {point.Correct}/{point.Shown}").Append('\n');
        }

        return table.ToString();
    }

    /// <summary>The machine-readable last line of <c>eval squad</c>.</summary>
    public string SummaryLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"em={Em:F3} f1={F1:F3} top1={Top1:F3} top5={Top5:F3} box_precision={BoxPrecision:F3} box_coverage={BoxCoverage:F3} p50_ms={P50Ms:F1} p99_ms={P99Ms:F1}");

    /// <summary>The table printed before the summary line.</summary>
    public string Table()
    {
        var table = new StringBuilder();
        void Row(string metric, string value, string counts) =>
            table.Append(CultureInfo.InvariantCulture, $"{metric,-16}{value,10}  {counts}").Append('\n');
        string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

        Row("metric", "value", "counts");
        Row("questions", Questions.ToString(CultureInfo.InvariantCulture), "");
        Row("exact_match", F(Em), $"{ExactMatches:0}/{Questions}");
        Row("f1", F(F1), "mean over all questions");
        Row("top1", F(Top1), $"{Top1Hits}/{Questions} gold paragraph ranked first");
        Row("top5", F(Top5), $"{Top5Hits}/{Questions} gold paragraph in the first five");
        Row("box_coverage", F(BoxCoverage), $"{BoxesShown}/{Questions} questions got a box");
        Row("box_precision", F(BoxPrecision), $"{BoxesCorrect}/{BoxesShown} shown boxes contain a gold answer");
        Row("latency_p50_ms", P50Ms.ToString("F1", CultureInfo.InvariantCulture), $"{Questions - Failures} successful requests");
        Row("latency_p99_ms", P99Ms.ToString("F1", CultureInfo.InvariantCulture), "");
        Row("answer_cpu_ms", AnswerCpuP50Ms.ToString("F2", CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"median of the answer stage's reported CPU per question (mean {AnswerCpuMeanMs:F2})"));
        Row("answer_cpu_boxed", AnswerCpuBoxedP50Ms.ToString("F2", CultureInfo.InvariantCulture), $"median over the {AnswerCpuBoxed} questions that got a box");
        Row("failed", Failures.ToString(CultureInfo.InvariantCulture), FailureCounts());
        return table.ToString();
    }

    private string FailureCounts() => string.Join(", ", _outcomes
        .Where(o => o.Failed)
        .GroupBy(o => o.FailedWith!.Value)
        .OrderByDescending(g => g.Count())
        .Select(g => $"{g.Key}: {g.Count()}"));

    private static double Share(double part, int whole) => whole == 0 ? 0 : part / whole;
}
