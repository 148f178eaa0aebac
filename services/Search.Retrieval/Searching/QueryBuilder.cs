using Lucene.Net.Index;
using Lucene.Net.Search;
using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Searching;

/// <summary>
/// Turns user text into a Lucene query without a query parser: the text is analysed like
/// the documents and every distinct term becomes a plain term clause, so operators,
/// wildcards and quotes in the text are just characters.
/// </summary>
public static class QueryBuilder
{
    /// <summary>More distinct terms than this add little to BM25 and cost a clause each (twice with titles).</summary>
    public const int MaxTerms = 64;

    /// <summary>The distinct analysed terms of <paramref name="query"/>, in order, at most <see cref="MaxTerms"/>.</summary>
    public static IReadOnlyList<string> Terms(string query)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var terms = new List<string>();
        foreach (var token in TextTokenizer.Tokenize(query))
        {
            if (seen.Add(token.Term))
            {
                terms.Add(token.Term);
                if (terms.Count == MaxTerms)
                {
                    break;
                }
            }
        }

        return terms;
    }

    /// <summary>Any term may match the text or the title; the title clause is weighted by <paramref name="titleBoost"/>.</summary>
    public static Query Build(IReadOnlyList<string> terms, double titleBoost)
    {
        var query = new BooleanQuery(disableCoord: true);
        foreach (var term in terms)
        {
            query.Add(new TermQuery(new Term(IndexFields.Text, term)), Occur.SHOULD);
            if (titleBoost > 0)
            {
                query.Add(new TermQuery(new Term(IndexFields.Title, term)) { Boost = (float)titleBoost }, Occur.SHOULD);
            }
        }

        return query;
    }
}
