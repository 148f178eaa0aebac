using Search.Retrieval.Embeddings;
using Search.Retrieval.Storage;
using Search.Text;

namespace Search.Retrieval.Searching;

/// <summary>
/// Runs a few searches on the open store (the searcher, the analyzers, BM25 and highlighting) and
/// embeds one query when embeddings are on, before retrieval reports ready.
/// </summary>
public sealed class SearchWarmUp(IPassageStore store, PassageEmbedder embedder) : IWarmUp
{
    private static readonly (string Query, TextLanguage Language)[] Queries =
    [
        ("Who developed the theory of general relativity?", TextLanguage.English),
        ("珠穆朗玛峰有多高", TextLanguage.SimplifiedChinese),
        ("台北101有多少層", TextLanguage.TraditionalChinese),
        ("telephone", TextLanguage.Unknown),
    ];

    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        if (embedder.IsEnabled)
        {
            embedder.EmbedQuery(Queries[0].Query, TextLanguage.English, cancellationToken);
        }

        for (var round = 0; round < 2; round++)
        {
            foreach (var (query, language) in Queries)
            {
                await store.SearchAsync(query, language, topK: 0, HitDetail.Highlighted, similarity: true, cancellationToken);
            }
        }
    }
}
