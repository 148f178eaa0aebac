using Search.Cli.Commands;
using Search.Evaluation;
using Search.Reading;

namespace Search.Cli.Training;

/// <summary>How an answer option is judged against the question's gold answers.</summary>
internal static class AnswerLabels
{
    /// <summary>The ranker's label: 2 for an exact gold answer, 1 for token F1 ≥ 0.5, else 0.</summary>
    public static float RankLabel(TrainingQuestion q, AnswerChoice option)
    {
        var text = Text(q, option);
        var chinese = AnswerMetrics.IsChinese(q.Question.Question, q.Question.Answers);
        if (AnswerMetrics.ExactMatch(text, q.Question.Answers, chinese) >= 1)
        {
            return 2;
        }

        return AnswerMetrics.F1(text, q.Question.Answers, chinese) >= 0.5 ? 1 : 0;
    }

    /// <summary>The option's highlighted text holds a gold answer.</summary>
    public static bool Right(TrainingQuestion q, AnswerChoice option) =>
        AnswerMetrics.ContainsAnyGold(Text(q, option), q.Question.Answers, AnswerMetrics.IsChinese(q.Question.Question, q.Question.Answers));

    private static string Text(TrainingQuestion q, AnswerChoice option) =>
        option.Answer.Of(q.Response.Results[option.PassageIndex].Text);
}
