using Search.Ranking;

namespace Search.Rerank;

/// <summary>
/// Resolves the reranker (which loads the fitted weights) and scores a small English candidate set with
/// similarities (the fused model) and a Chinese one without (the lexical weights) before rerank reports ready.
/// </summary>
public sealed class RerankWarmUp(PassageReranker reranker) : IWarmUp
{
    private static readonly RerankCandidate[] English =
    [
        new("Albert Einstein developed the theory of general relativity between 1907 and 1915.", "General relativity", 0, 12.5, 0.71),
        new("Relativity changed physics in the twentieth century.", "Physics", 1, 8.2, 0.44),
        new("The telephone was patented by Alexander Graham Bell in 1876.", "Telephone", 0, 3.1, 0.12),
    ];

    private static readonly RerankCandidate[] Chinese =
    [
        new("珠穆朗玛峰海拔8848.86米，是世界最高峰。", "珠穆朗玛峰", 0, 10.4),
        new("台北101高508公尺，共有101層樓。", "台北101", 0, 6.3),
    ];

    public Task WarmAsync(CancellationToken cancellationToken)
    {
        for (var round = 0; round < 3; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            reranker.TryRerank("Who developed the theory of general relativity?", English, 0, out _, out _);
            reranker.TryRerank("珠穆朗玛峰有多高", Chinese, 0, out _, out _);
            reranker.TryRerank("台北101有多少層", Chinese, 0, out _, out _);
        }

        return Task.CompletedTask;
    }
}
