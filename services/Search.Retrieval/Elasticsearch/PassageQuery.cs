using System.Globalization;
using System.Text;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.Text;

namespace Search.Retrieval.Elasticsearch;

/// <summary>
/// The search request and the reading of its highlights. User text only ever reaches
/// <c>multi_match</c>, which analyses it as plain words: never <c>query_string</c>, whose syntax
/// (field:, OR, *, quotes) a user could otherwise speak.
/// </summary>
public static class PassageQuery
{
    /// <summary>Private-use characters around each highlighted term: they never occur in prose, so they parse back safely.</summary>
    public const char PreTag = '\uE000';

    public const char PostTag = '\uE001';

    /// <summary>
    /// The words of <paramref name="query"/> as sent to Elasticsearch: its first <see cref="QueryBuilder.MaxTerms"/>
    /// distinct terms (as the one tokenizer sees them) in their original spelling, joined by spaces, so a pasted essay
    /// cannot exceed the cluster's clause limit and a repeated word counts once, as in the Lucene backend.
    /// Null when nothing searchable is left (blank, punctuation only, stop words only): then no call is made.
    /// </summary>
    public static string? QueryText(string? query)
    {
        if (string.IsNullOrWhiteSpace(query) || !query.Any(char.IsLetterOrDigit))
        {
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var words = new StringBuilder();
        foreach (var token in TextTokenizer.Tokenize(query))
        {
            if (!seen.Add(token.Term))
            {
                continue;
            }

            // A Chinese bigram alone between spaces analyses back to exactly that bigram.
            words.Append(words.Length == 0 ? "" : " ").Append(query, token.Start, token.End - token.Start);
            if (seen.Count == QueryBuilder.MaxTerms)
            {
                break;
            }
        }

        return words.Length == 0 ? null : words.ToString();
    }

    /// <summary>
    /// BM25 over text and title for <paramref name="language"/>: English searches the English fields, either
    /// Chinese script searches the Chinese fields with the query folded to Simplified, Unknown searches both.
    /// </summary>
    /// <paramref name="detail"/> <see cref="HitDetail.IdsOnly"/> asks only for the ranking fields of each hit's source (and its
    /// vector when <paramref name="withVector"/>).
    public static SearchRequest Build(string alias, string queryText, TextLanguage language, int size, HitDetail detail, bool withVector, RetrievalOptions options)
    {
        var query = IndexFields.GroupOf(language) switch
        {
            IndexFields.EnglishGroup => Filtered(English(queryText, options), IndexFields.EnglishGroup),
            IndexFields.ChineseGroup => Filtered(Chinese(queryText, options), IndexFields.ChineseGroup),
            _ => new BoolQuery { Should = [English(queryText, options), Chinese(queryText, options)], MinimumShouldMatch = 1 },
        };

        var request = new SearchRequest(alias)
        {
            Query = query,
            Size = size,
            TrackTotalHits = new TrackHits(true),
            Highlight = detail == HitDetail.Highlighted ? Highlights() : null,
        };
        // Set only the one that applies: the client sends a parameter it was given even when it is null.
        if (detail == HitDetail.IdsOnly)
        {
            request.SourceIncludes = withVector ? PassageMapping.RankingFieldsWithVector : PassageMapping.RankingFields;
        }
        else
        {
            request.SourceExcludes = PassageMapping.SearchOnlyFields;
        }

        return request;
    }

    /// <summary>
    /// Ranges of <paramref name="text"/> marked in <paramref name="highlighted"/>, the whole field with tags around
    /// matched terms (number_of_fragments 0). Touching or overlapping ranges are merged, like the Lucene highlighter's
    /// Chinese bigrams. Null when the untagged text is not <paramref name="text"/>, so the offsets could not be trusted.
    /// </summary>
    public static IReadOnlyList<TextRange>? ParseHighlight(string highlighted, string text)
    {
        var plain = new StringBuilder(text.Length);
        var ranges = new List<TextRange>();
        var start = -1;
        foreach (var c in highlighted)
        {
            switch (c)
            {
                case PreTag:
                    start = plain.Length;
                    break;
                case PostTag when start >= 0:
                    Add(ranges, new TextRange(start, plain.Length));
                    start = -1;
                    break;
                default:
                    plain.Append(c);
                    break;
            }
        }

        return plain.Equals(text) ? ranges : null;
    }

    private static void Add(List<TextRange> ranges, TextRange range)
    {
        if (range.End <= range.Start)
        {
            return;
        }

        if (ranges.Count > 0 && range.Start <= ranges[^1].End)
        {
            ranges[^1] = ranges[^1] with { End = Math.Max(ranges[^1].End, range.End) };
            return;
        }

        ranges.Add(range);
    }

    private static BoolQuery Filtered(Query match, string group) => new()
    {
        Must = [match],
        Filter = [new TermQuery { Field = PassageMapping.LanguageGroup, Value = group }],
    };

    private static MultiMatchQuery English(string queryText, RetrievalOptions options) =>
        Match(queryText, PassageMapping.TextEnglish, PassageMapping.TitleEnglish, options);

    private static MultiMatchQuery Chinese(string queryText, RetrievalOptions options) =>
        Match(ChineseScript.ToSimplified(queryText), PassageMapping.TextChinese, PassageMapping.TitleChinese, options);

    /// <summary>most_fields adds the field scores, as the Lucene backend adds its text and title clauses.</summary>
    private static MultiMatchQuery Match(string queryText, string textField, string titleField, RetrievalOptions options)
    {
        var fields = new List<string> { Boosted(textField, options.Elasticsearch.TextWeight) };
        if (options.TitleBoost > 0)
        {
            fields.Add(Boosted(titleField, options.TitleBoost));
        }

        return new MultiMatchQuery { Query = queryText, Type = TextQueryType.MostFields, Fields = fields.ToArray() };
    }

    private static string Boosted(string field, double weight) => $"{field}^{weight.ToString(CultureInfo.InvariantCulture)}";

    private static Highlight Highlights() => new()
    {
        PreTags = [PreTag.ToString()],
        PostTags = [PostTag.ToString()],
        // The whole field comes back, so tag positions are offsets into the passage text.
        NumberOfFragments = 0,
        Fields = new Dictionary<Field, HighlightField>
        {
            [PassageMapping.TextEnglish] = new(),
            [PassageMapping.TextChinese] = new(),
        },
    };
}
