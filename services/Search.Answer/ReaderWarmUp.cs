using Search.Reading;
using Search.Text;

namespace Search.Answer;

/// <summary>
/// Runs the extractor (sentences, span choices, features, the span ranker and its confidence) on a small
/// passage set in English, Simplified and Traditional Chinese before the answer service reports ready.
/// </summary>
public sealed class ReaderWarmUp(AnswerExtractor extractor) : IWarmUp
{
    private static readonly (string Question, AnswerPassage[] Passages)[] Samples =
    [
        ("Who developed the theory of general relativity?",
        [
            new("Albert Einstein developed the theory of general relativity between 1907 and 1915. It describes gravity as curved spacetime.", 0.9, 12.5),
            new("The telephone was patented by Alexander Graham Bell in 1876.", 0.2, 3.1),
        ]),
        ("珠穆朗玛峰有多高？", [new("珠穆朗玛峰是世界最高峰。2020年测得其海拔高度为8848.86米。", 0.8, 10.4)]),
        ("台北101是什麼時候完工的？", [new("台北101高508公尺，共有101層樓。大樓於2004年完工。", 0.8, 6.3)]),
    ];

    public Task WarmAsync(CancellationToken cancellationToken)
    {
        for (var round = 0; round < 3; round++)
        {
            foreach (var (question, passages) in Samples)
            {
                cancellationToken.ThrowIfCancellationRequested();
                extractor.Extract(question, AnswerCues.Detect(question), passages);
            }
        }

        return Task.CompletedTask;
    }
}
