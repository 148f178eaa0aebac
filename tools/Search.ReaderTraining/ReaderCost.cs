using System.Diagnostics;
using Search.Evaluation;
using Search.Reading.Neural;

namespace Search.ReaderTraining;

/// <summary>What a written reader costs and scores when the answer service's <see cref="NeuralReader"/> runs it.</summary>
public static class ReaderCost
{
    /// <summary>One measurement: EM and F1 over the questions, the time of one read, and the process's CPU per read.</summary>
    public sealed record Cost(string Model, int Questions, double ExactMatch, double F1, double MedianMs, double MeanMs, double CpuMsPerQuestion)
    {
        /// <summary>Each question's answer, in the order read (not serialised into the run's record).</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public IReadOnlyList<Prediction> Predictions { get; init; } = [];
    }

    /// <summary>What the reader answered one question, and how it scored.</summary>
    public sealed record Prediction(string Id, string Question, string Answer, IReadOnlyList<string> Golds, double ExactMatch, double F1, double Probability);

    /// <summary>Reads every example once after a warm-up of 20 (one thread, no spinning, as the service runs it).</summary>
    public static Cost Measure(string name, byte[] model, IReadOnlyList<ReaderExample> examples, int? readTokens = null)
    {
        using var reader = new NeuralReader(model, readTokens: readTokens);
        foreach (var example in examples.Take(20))
        {
            reader.Read(example);
        }

        var times = new List<double>(examples.Count);
        var answers = new List<ReadAnswer>(examples.Count);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var example in examples)
        {
            var started = Stopwatch.GetTimestamp();
            answers.Add(reader.Read(example));
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        times.Sort();
        var predictions = examples.Zip(answers, (e, a) =>
        {
            var chinese = AnswerMetrics.IsChinese(e.Question, e.Golds);
            return new Prediction(e.Id, e.Question, a.Text, e.Golds, AnswerMetrics.ExactMatch(a.Text, e.Golds, chinese), AnswerMetrics.F1(a.Text, e.Golds, chinese), Math.Round(a.Probability, 4));
        }).ToList();
        return new Cost(
            name, examples.Count,
            Math.Round(predictions.Average(p => p.ExactMatch), 4),
            Math.Round(predictions.Average(p => p.F1), 4),
            Math.Round(times[times.Count / 2], 2), Math.Round(times.Average(), 2), Math.Round(cpuMs / examples.Count, 2))
        {
            Predictions = predictions,
        };
    }
}
