using System.Globalization;
using Search.Cli.Commands;
using Search.Evaluation;
using Search.Reading;

namespace Search.Cli.Training;

/// <summary>What a model does on a fold: the boxes it would show at a threshold, how often they are right, its mistakes.</summary>
internal static class AnswerMeasure
{
    public sealed record Measurement(int Questions, int Shown, int Right, double SpanExact)
    {
        public double Precision => Shown == 0 ? 1 : (double)Right / Shown;
        public double Coverage => Questions == 0 ? 0 : (double)Shown / Questions;
        public CurvePoint Point(double threshold) => new(threshold, Math.Round(Precision, 4), Math.Round(Coverage, 4));
    }

    /// <summary>What the service would show at <paramref name="threshold"/> (sentence fallback on) and how often it is right.</summary>
    public static Measurement Measure(AnswerModel model, List<(TrainingQuestion Question, AnswerReading Reading)> questions, double threshold)
    {
        var extractor = new AnswerExtractor(AnswerTrainer.Defaults, model);
        int shown = 0, right = 0;
        double exact = 0;
        foreach (var (question, reading) in questions)
        {
            var (span, sentence) = extractor.Judge(reading);
            if (AnswerDecision.Choose(span, sentence, threshold, sentenceFallback: true) is not { } best)
            {
                continue;
            }

            var chinese = AnswerMetrics.IsChinese(question.Question.Question, question.Question.Answers);
            var guess = (span ?? sentence)!;
            exact += AnswerMetrics.ExactMatch(guess.Answer.Of(question.Response.Results[guess.PassageIndex].Text), question.Question.Answers, chinese);
            if (best.Confidence >= threshold)
            {
                shown++;
                if (AnswerMetrics.ContainsAnyGold(best.Answer.Of(question.Response.Results[best.PassageIndex].Text), question.Question.Answers, chinese))
                {
                    right++;
                }
            }
        }

        return new Measurement(questions.Count, shown, right, questions.Count == 0 ? 0 : exact / questions.Count);
    }

    /// <summary>Share of questions where some span option is exactly a gold answer: the ceiling of the ranker's exact match.</summary>
    public static double SpanRecall(List<(TrainingQuestion Question, AnswerReading Reading)> questions) =>
        questions.Count == 0 ? 0 : (double)questions.Count(q => q.Reading.Spans.Any(o => AnswerLabels.RankLabel(q.Question, o) >= 2)) / questions.Count;

    /// <summary>
    /// One line per question the reader's best span got wrong: file, question, golds, span, its confidence,
    /// sentence. Returns how many were written.
    /// </summary>
    public static int WriteMistakes(AnswerModel model, List<(TrainingQuestion Question, AnswerReading Reading)> questions, string path)
    {
        var extractor = new AnswerExtractor(AnswerTrainer.Defaults, model);
        using var writer = new StreamWriter(path);
        var written = 0;
        foreach (var (question, reading) in questions)
        {
            var (span, sentence) = extractor.Judge(reading);
            var chinese = AnswerMetrics.IsChinese(question.Question.Question, question.Question.Answers);
            string Of(AnswerCandidate? c) => c is null ? "" : c.Answer.Of(question.Response.Results[c.PassageIndex].Text);
            if (span is not null && AnswerMetrics.ExactMatch(Of(span), question.Question.Answers, chinese) >= 1)
            {
                continue;
            }

            written++;
            writer.WriteLine(string.Join('\t', question.File, question.Question.Question, string.Join(" | ", question.Question.Answers.Distinct()),
                Of(span), span?.Confidence.ToString("0.00", CultureInfo.InvariantCulture) ?? "", Of(sentence)));
        }

        return written;
    }
}
