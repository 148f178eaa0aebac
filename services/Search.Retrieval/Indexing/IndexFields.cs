using System.Collections.Frozen;
using System.Globalization;
using Lucene.Net.Documents;
using Search.Retrieval.Embeddings;
using Search.Text;

namespace Search.Retrieval.Indexing;

/// <summary>The Lucene schema: one Lucene document per passage.</summary>
public static class IndexFields
{
    public const string DocumentId = "doc_id";
    public const string PassageId = "passage_id";
    public const string Ordinal = "ordinal";
    public const string Title = "title";
    public const string Url = "url";
    public const string Text = "text";
    public const string Language = "lang";
    /// <summary>"en" or "zh": a Chinese filter matches both scripts, since the analyzer folds them together.</summary>
    public const string LanguageGroup = "lang_group";
    public const string Start = "start";
    public const string End = "end";
    public const string UpdatedAt = "updated_at";
    /// <summary>The passage's sentence vector: <see cref="Embeddings.PassageEmbedder.Dimensions"/> little-endian floats, stored only.</summary>
    public const string Embedding = "embedding";
    /// <summary>The passage's sentence vectors (<see cref="SentenceVectors.ToBytes"/>), stored only.</summary>
    public const string Sentences = "sentence_vectors";
    /// <summary>
    /// Set on a passage stored with its sentence vectors, so that the vector backfill can find the English passages
    /// embedded before sentence vectors existed (or while they were off) and give them theirs.
    /// </summary>
    public const string HasSentences = "has_sentences";
    /// <summary>
    /// Set on an English passage stored before its vector exists: the durable backlog of the vector backfill,
    /// which finds passages by it and clears it when it writes the vector. Stored too, so a hit can say its
    /// similarity is missing only for now.
    /// </summary>
    public const string VectorPending = "vector_pending";
    /// <summary>Set on each document's first passage only, so documents can be counted.</summary>
    public const string FirstPassage = "first";
    public const string Yes = "1";

    public const string EnglishGroup = "en";
    public const string ChineseGroup = "zh";

    /// <summary>
    /// The passage text: analysed, stored, and with a term vector of offsets, so a search marks the query's words in a
    /// passage by looking them up instead of analysing the passage again (<see cref="Searching.PassageHighlighter"/>).
    /// </summary>
    private static readonly FieldType TextWithOffsets = Frozen(new FieldType(TextField.TYPE_STORED)
    {
        StoreTermVectors = true,
        StoreTermVectorOffsets = true,
    });

    /// <summary>The stored fields a ranking reads (<see cref="Searching.HitDetail.IdsOnly"/>): not the title, url or text.</summary>
    public static FrozenSet<string> Ranking { get; } = new[] { DocumentId, PassageId, Ordinal, Language, VectorPending }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary><see cref="Ranking"/> and the passage's vector, for a ranking that asks for similarities.</summary>
    public static FrozenSet<string> RankingWithVector { get; } = Ranking.Append(Embedding).Append(Sentences).ToFrozenSet(StringComparer.Ordinal);

    public static string? GroupOf(TextLanguage language) => language switch
    {
        TextLanguage.English => EnglishGroup,
        TextLanguage.SimplifiedChinese or TextLanguage.TraditionalChinese => ChineseGroup,
        _ => null,
    };

    public static Document ToLucene(Passage passage)
    {
        var document = new Document
        {
            new StringField(DocumentId, passage.DocumentId, Field.Store.YES),
            new StringField(PassageId, passage.PassageId, Field.Store.YES),
            new StoredField(Ordinal, passage.Ordinal),
            new TextField(Title, passage.Title, Field.Store.YES),
            new StoredField(Url, passage.Url),
            new Field(Text, passage.Text, TextWithOffsets),
            new StringField(Language, passage.Language.ToTag(), Field.Store.YES),
            new StoredField(Start, passage.StartOffset),
            new StoredField(End, passage.EndOffset),
            new StoredField(UpdatedAt, passage.UpdatedAtUnixMs),
        };
        if (passage.Embedding is { } embedding)
        {
            document.Add(new StoredField(Embedding, EmbeddingCodec.ToBytes(embedding)));
            if (passage.Sentences is { } sentences)
            {
                document.Add(new StoredField(Sentences, sentences.ToBytes()));
                document.Add(new StringField(HasSentences, Yes, Field.Store.NO));
            }
        }

        else if (passage.VectorPending)
        {
            document.Add(new StringField(VectorPending, Yes, Field.Store.YES));
        }

        if (GroupOf(passage.Language) is { } group)
        {
            document.Add(new StringField(LanguageGroup, group, Field.Store.NO));
        }

        if (passage.Ordinal == 0)
        {
            document.Add(new StringField(FirstPassage, Yes, Field.Store.NO));
        }

        return document;
    }

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }

    public static Passage FromLucene(Document document)
    {
        // Tags were written by ToTag, so they always parse; a hand-edited one reads as Unknown.
        var language = TextLanguageTags.TryParse(document.Get(Language, CultureInfo.InvariantCulture), out var parsed) ? parsed : TextLanguage.Unknown;
        return new Passage(
            PassageId: document.Get(PassageId, CultureInfo.InvariantCulture) ?? "",
            DocumentId: document.Get(DocumentId, CultureInfo.InvariantCulture) ?? "",
            Ordinal: document.GetField(Ordinal)?.GetInt32Value() ?? 0,
            Title: document.Get(Title, CultureInfo.InvariantCulture) ?? "",
            Url: document.Get(Url, CultureInfo.InvariantCulture) ?? "",
            Text: document.Get(Text, CultureInfo.InvariantCulture) ?? "",
            Language: language,
            StartOffset: document.GetField(Start)?.GetInt32Value() ?? 0,
            EndOffset: document.GetField(End)?.GetInt32Value() ?? 0,
            UpdatedAtUnixMs: document.GetField(UpdatedAt)?.GetInt64Value() ?? 0,
            Embedding: document.GetBinaryValue(Embedding) is { } bytes ? EmbeddingCodec.FromBytes(bytes.Bytes, bytes.Offset, bytes.Length) : null,
            VectorPending: document.Get(VectorPending, CultureInfo.InvariantCulture) == Yes,
            Sentences: document.GetBinaryValue(Sentences) is { } sentences
                ? SentenceVectors.FromBytes(sentences.Bytes, sentences.Offset, sentences.Length)
                : null);
    }
}
