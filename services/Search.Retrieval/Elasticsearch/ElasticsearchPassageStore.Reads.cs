using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Search.Retrieval.Embeddings;
using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Text;

namespace Search.Retrieval.Elasticsearch;

public sealed partial class ElasticsearchPassageStore
{
    public async Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var documents = await CountAsync("document count", FirstPassage(), cancellationToken);
        var passages = await CountAsync("passage count", null, cancellationToken);
        return new IndexStats(documents, passages);
    }

    public async Task<SearchResult> SearchAsync(
        string query, TextLanguage language = TextLanguage.Unknown, int topK = 0, HitDetail detail = HitDetail.Highlighted, bool similarity = true, CancellationToken cancellationToken = default)
    {
        var queryText = PassageQuery.QueryText(query);
        if (queryText is null)
        {
            return SearchResult.Empty;
        }

        topK = topK <= 0 ? _options.DefaultTopK : Math.Min(topK, _options.MaxTopK);
        var request = PassageQuery.Build(_alias, queryText, language, topK, detail, withVector: similarity, _options);
        var response = await Send("search", () => _client.SearchAsync<PassageDocument>(request, cancellationToken), cancellationToken);
        var hits = response.Hits
            .Where(hit => hit.Source is not null)
            .Select(hit => ToSearchHit(hit, query, detail == HitDetail.Highlighted))
            .ToList();
        // The query is embedded only when some hit has a vector to compare with (never for Chinese).
        if (similarity && hits.Any(h => h.Passage.Embedding is not null) && _embedder.EmbedQuery(query, language, cancellationToken) is { } queryVector)
        {
            hits = hits.Select(h => h with { Similarity = PassageEmbedder.Similarity(queryVector, h.Passage.Embedding) }).ToList();
        }

        return new SearchResult(hits, (int)Math.Clamp(response.Total, hits.Count, int.MaxValue));
    }

    private async Task<long> CountAsync(string action, Query? query, CancellationToken cancellationToken)
    {
        var response = await Send(action, () => _client.CountAsync(new CountRequest(_alias) { Query = query }, cancellationToken), cancellationToken);
        return response.Count;
    }

    private static SearchHit ToSearchHit(Elastic.Clients.Elasticsearch.Core.Search.Hit<PassageDocument> hit, string query, bool highlight)
    {
        var passage = PassageMapping.ToPassage(hit.Source!);
        return new SearchHit(passage, hit.Score ?? 0, highlight ? Highlights(hit, passage, query) : []);
    }

    /// <summary>
    /// The highlighter's tags turned back into ranges of the passage text. Should the tagged text not untag to the
    /// stored text, the ranges come from the product's own analyzer instead, as in the Lucene backend.
    /// </summary>
    private static IReadOnlyList<TextRange> Highlights(Elastic.Clients.Elasticsearch.Core.Search.Hit<PassageDocument> hit, Passage passage, string query)
    {
        var chinese = passage.Language.IsChinese();
        var field = chinese ? PassageMapping.TextChinese : PassageMapping.TextEnglish;
        if (hit.Highlight is null || !hit.Highlight.TryGetValue(field, out var fragments) || fragments.Count == 0)
        {
            return [];
        }

        var analysed = chinese ? ChineseScript.ToSimplified(passage.Text) : passage.Text;
        return PassageQuery.ParseHighlight(fragments.First(), analysed)
            ?? PassageHighlighter.Highlight(passage.Text, QueryBuilder.Terms(query));
    }
}
