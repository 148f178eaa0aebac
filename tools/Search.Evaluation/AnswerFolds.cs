using Search.Evaluation.Datasets;

namespace Search.Evaluation;

/// <summary>
/// How <c>train answer</c> splits questions: by article (index mod 4 within its file), so that no
/// paragraph is on two sides. 0 fits the span ranker, 1 the confidence model, 2 the calibration and the
/// curve; 3 is held out, and <c>eval squad --fold test</c> asks only it.
/// </summary>
public static class AnswerFolds
{
    public const int Ranker = 0;
    public const int Confidence = 1;
    public const int Calibration = 2;
    public const int HeldOut = 3;
    public const int Count = 4;

    public static int Of(SquadQuestion question) => question.Article % Count;

    public static int Of(SquadParagraph paragraph) => paragraph.Article % Count;
}
