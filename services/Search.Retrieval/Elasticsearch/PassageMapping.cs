using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Search.Retrieval.Embeddings;
using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Elasticsearch;

/// <summary>
/// One passage as an Elasticsearch document (its <c>_source</c>). The display fields keep the original
/// text; the searchable copies hold it once more, analysed for its language: English text in the
/// <c>_en</c> fields, Chinese text folded to Simplified in the <c>_zh</c> fields.
/// </summary>
public sealed record PassageDocument
{
    [JsonPropertyName(PassageMapping.DocumentId)]
    public required string DocumentId { get; init; }

    [JsonPropertyName(PassageMapping.PassageId)]
    public required string PassageId { get; init; }

    [JsonPropertyName(PassageMapping.Ordinal)]
    public int Ordinal { get; init; }

    [JsonPropertyName(PassageMapping.Title)]
    public string Title { get; init; } = "";

    [JsonPropertyName(PassageMapping.Text)]
    public string Text { get; init; } = "";

    [JsonPropertyName(PassageMapping.Url)]
    public string Url { get; init; } = "";

    [JsonPropertyName(PassageMapping.Language)]
    public string Language { get; init; } = "";

    [JsonPropertyName(PassageMapping.LanguageGroup), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LanguageGroup { get; init; }

    [JsonPropertyName(PassageMapping.Start)]
    public int Start { get; init; }

    [JsonPropertyName(PassageMapping.End)]
    public int End { get; init; }

    [JsonPropertyName(PassageMapping.UpdatedAt)]
    public long UpdatedAt { get; init; }

    [JsonPropertyName(PassageMapping.Generation)]
    public string Generation { get; init; } = "";

    [JsonPropertyName(PassageMapping.TextEnglish), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TextEnglish { get; init; }

    [JsonPropertyName(PassageMapping.TitleEnglish), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TitleEnglish { get; init; }

    [JsonPropertyName(PassageMapping.TextChinese), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TextChinese { get; init; }

    [JsonPropertyName(PassageMapping.TitleChinese), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TitleChinese { get; init; }

    /// <summary>The passage's sentence vector (English passages with embeddings on), absent otherwise.</summary>
    [JsonPropertyName(PassageMapping.Embedding), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float[]? Embedding { get; init; }
}

/// <summary>
/// The Elasticsearch schema: field names, the versioned index behind the alias, its mapping and settings.
/// Bump <see cref="SchemaVersion"/> for any mapping or analysis change: start-up then creates
/// "{alias}-v{new}", reindexes the old index into it and moves the alias in one atomic step.
/// BM25 k1/b and the shard counts are fixed when an index is created, so changing them needs a bump too.
/// </summary>
public static class PassageMapping
{
    // 2: the passage's sentence vector (dense_vector, 384 dims, cosine).
    public const int SchemaVersion = 2;

    public const string DocumentId = "doc_id";
    public const string PassageId = "passage_id";
    public const string Ordinal = "ordinal";
    public const string Title = "title";
    public const string Text = "text";
    public const string Url = "url";
    public const string Language = "lang";
    public const string LanguageGroup = "lang_group";
    public const string Start = "start";
    public const string End = "end";
    public const string UpdatedAt = "updated_at";
    /// <summary>The ingest batch that wrote the passage; see <see cref="DocumentKey"/>.</summary>
    public const string Generation = "generation";
    public const string TextEnglish = "text_en";
    public const string TitleEnglish = "title_en";
    public const string TextChinese = "text_zh";
    public const string TitleChinese = "title_zh";
    public const string Embedding = "embedding";

    /// <summary>The BM25 similarity every searchable field scores with (k1/b from the options).</summary>
    public const string Similarity = "passage_bm25";

    public const string EnglishAnalyzer = "english";

    /// <summary>
    /// The built-in <c>cjk</c> analyzer: standard tokenizer, width folding, lower-casing, CJK bigrams and
    /// English stop words, the same shape as the Lucene backend's chain. Not smartcn or ik: those are
    /// plugins that a managed or shared cluster may not have, and bigrams need no dictionary.
    /// </summary>
    public const string ChineseAnalyzer = "cjk";

    /// <summary>Elasticsearch refuses an <c>_id</c> longer than this many UTF-8 bytes.</summary>
    public const int MaxIdBytes = 512;

    public static string IndexName(string alias, int version) => $"{alias}-v{version}";

    /// <summary>The schema version of an index named "{alias}-v{n}", or 0 for any other name (an unversioned index).</summary>
    public static int VersionOf(string alias, string index) =>
        index.StartsWith(alias + "-v", StringComparison.Ordinal) && int.TryParse(index.AsSpan(alias.Length + 2), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : 0;

    /// <summary>
    /// <c>_id</c> of a passage written by ingest <paramref name="generation"/>: "{passageId}@{generation}".
    /// A new batch never overwrites the passages of the previous one, so when Elasticsearch rejects a
    /// document the old version stays whole and only the new, partial one is removed. Ids too long for
    /// Elasticsearch are replaced by their SHA-256; the passage id itself is a field, never parsed back.
    /// </summary>
    public static string DocumentKey(string passageId, string generation)
    {
        var key = $"{passageId}@{generation}";
        return Encoding.UTF8.GetByteCount(key) <= MaxIdBytes
            ? key
            : $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(passageId)))}@{generation}";
    }

    public static PassageDocument ToDocument(Passage passage, string generation)
    {
        var chinese = passage.Language.IsChinese();
        return new PassageDocument
        {
            DocumentId = passage.DocumentId,
            PassageId = passage.PassageId,
            Ordinal = passage.Ordinal,
            Title = passage.Title,
            Text = passage.Text,
            Url = passage.Url,
            Language = passage.Language.ToTag(),
            LanguageGroup = IndexFields.GroupOf(passage.Language),
            Start = passage.StartOffset,
            End = passage.EndOffset,
            UpdatedAt = passage.UpdatedAtUnixMs,
            Generation = generation,
            // Passages of unknown language are searched as English, as the Lucene backend's one chain would.
            TextEnglish = chinese ? null : passage.Text,
            TitleEnglish = chinese ? null : passage.Title,
            // Folding is one character for one, so highlight offsets in the folded copy fit the original text.
            TextChinese = chinese ? ChineseScript.ToSimplified(passage.Text) : null,
            TitleChinese = chinese ? ChineseScript.ToSimplified(passage.Title) : null,
            Embedding = passage.Embedding,
        };
    }

    public static Passage ToPassage(PassageDocument document) => new(
        document.PassageId,
        document.DocumentId,
        document.Ordinal,
        document.Title,
        document.Url,
        document.Text,
        TextLanguageTags.TryParse(document.Language, out var language) ? language : TextLanguage.Unknown,
        document.Start,
        document.End,
        document.UpdatedAt,
        document.Embedding is { Length: PassageEmbedder.Dimensions } embedding ? embedding : null);

    /// <summary>The analysed copies are only for matching and highlighting; searches leave them out of the answer.</summary>
    public static string[] SearchOnlyFields { get; } = [TextEnglish, TitleEnglish, TextChinese, TitleChinese];

    /// <summary>The source fields a ranking reads (<see cref="Searching.HitDetail.IdsOnly"/>).</summary>
    public static string[] RankingFields { get; } = [DocumentId, PassageId, Ordinal, Language];

    /// <summary><see cref="RankingFields"/> and the passage's vector.</summary>
    public static string[] RankingFieldsWithVector { get; } = [.. RankingFields, Embedding];

    /// <summary>PUT /{index}: strict mapping, per-language analysers and one BM25 similarity for every searchable field.</summary>
    public static CreateIndexRequest CreateIndex(string index, RetrievalOptions options) => new(index)
    {
        Settings = new IndexSettings
        {
            NumberOfShards = options.Elasticsearch.NumberOfShards,
            NumberOfReplicas = options.Elasticsearch.NumberOfReplicas,
            Similarity = new SettingsSimilarities
            {
                [Similarity] = new SettingsSimilarityBm25 { K1 = options.Bm25K1, B = options.Bm25B },
            },
        },
        Mappings = new TypeMapping
        {
            // A field nobody declared is a bug in the writer, not something to guess a type for.
            Dynamic = DynamicMapping.Strict,
            Meta = new Dictionary<string, object> { ["schema_version"] = SchemaVersion },
            Properties = new Properties
            {
                [DocumentId] = new KeywordProperty(),
                [PassageId] = new KeywordProperty(),
                [Ordinal] = new IntegerNumberProperty(),
                // Display copies: kept in _source, never matched against.
                [Title] = new TextProperty { Index = false },
                [Text] = new TextProperty { Index = false },
                [Url] = new KeywordProperty { Index = false, DocValues = false },
                [Language] = new KeywordProperty(),
                [LanguageGroup] = new KeywordProperty(),
                [Start] = new IntegerNumberProperty { Index = false },
                [End] = new IntegerNumberProperty { Index = false },
                [UpdatedAt] = new DateProperty { Format = "epoch_millis" },
                [Generation] = new KeywordProperty(),
                [TextEnglish] = Searchable(EnglishAnalyzer),
                [TitleEnglish] = Searchable(EnglishAnalyzer),
                [TextChinese] = Searchable(ChineseAnalyzer),
                [TitleChinese] = Searchable(ChineseAnalyzer),
                // Unit vectors compared by cosine; indexed so nearest-passage search can use it later.
                [Embedding] = new DenseVectorProperty { Dims = PassageEmbedder.Dimensions, Similarity = DenseVectorSimilarity.Cosine, Index = true },
            },
        },
    };

    private static TextProperty Searchable(string analyzer) => new() { Analyzer = analyzer, Similarity = Similarity };
}
