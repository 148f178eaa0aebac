using System.ComponentModel.DataAnnotations;
using Search.Retrieval.Embeddings;

namespace Search.Retrieval;

/// <summary>Which engine stores and searches passages.</summary>
public enum RetrievalBackend
{
    /// <summary>The embedded Lucene index in <see cref="RetrievalOptions.DataDirectory"/> (the default).</summary>
    Lucene,

    /// <summary>An Elasticsearch cluster, configured under "Retrieval:Elasticsearch".</summary>
    Elasticsearch,
}

/// <summary>Configuration section "Retrieval": which backend, where the index lives, BM25 and passage settings.</summary>
public sealed class RetrievalOptions : IValidatableObject
{
    public const string SectionName = "Retrieval";

    /// <summary>Lucene (embedded, one machine) or Elasticsearch (a cluster); the same contract either way.</summary>
    public RetrievalBackend Backend { get; set; } = RetrievalBackend.Lucene;

    /// <summary>Connection and index settings, used when <see cref="Backend"/> is Elasticsearch.</summary>
    public ElasticsearchOptions Elasticsearch { get; set; } = new();

    /// <summary>Sentence vectors of English passages, for the reranker's similarity signal.</summary>
    public EmbeddingOptions Embeddings { get; set; } = new();

    /// <summary>Folder of the Lucene index, resolved against the current directory; created when missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = ".data/index";

    // k1, b and the title boost were picked by the passage top-1/top-5 of SQuAD, CMRC 2018 and DRCD questions
    // (RetrievalQualityTests.SweepSettings): short passages want little term-frequency saturation and length penalty.
    // The title boost then moved from 1 to 0.5 on BEIR SciFact train nDCG@10 (0.659 → 0.686; 2 gave 0.609),
    // which left the QA sets' top-1 within ±0.005. English passages then grew from 100 to 200 words: SciFact
    // 0.686 → 0.702 (150: 0.696, 250: 0.700, 400: 0.701), SQuAD top-1/top-5 .681/.906 → .675/.919, answer-box
    // precision/coverage on the first 300 SQuAD questions .694/.523 → .714/.583 (F1 .164 → .146).

    /// <summary>BM25 term-frequency saturation.</summary>
    [Range(0.0, 10.0)]
    public double Bm25K1 { get; set; } = 0.6;

    /// <summary>BM25 length normalisation: 0 ignores passage length, 1 normalises fully.</summary>
    [Range(0.0, 1.0)]
    public double Bm25B { get; set; } = 0.4;

    /// <summary>Weight of a query term matching the title relative to matching the passage text; 0 ignores titles.</summary>
    [Range(0.0, 100.0)]
    public double TitleBoost { get; set; } = 0.5;

    /// <summary>
    /// When the vector backfill has worked off its backlog, the Lucene index is merged down to at most this many
    /// segments (0 leaves it to Lucene's merge policy). Each backfill round writes a segment, and a search looks each
    /// query term up in every one: on SciFact one segment halved a search's CPU against eight. The merge rewrites the
    /// index once (SciFact's 32 MB in about 1.5 s) on Lucene's merge threads; searches and upserts go on meanwhile.
    /// </summary>
    [Range(0, 1_000)]
    public int MergeSegmentsWhenIdle { get; set; } = 1;

    [Range(1, 10_000)]
    public int DefaultTopK { get; set; } = 10;

    [Range(1, 10_000)]
    public int MaxTopK { get; set; } = 200;

    /// <summary>Longest document text, in characters (text elements, as the README counts them).</summary>
    [Range(1, 100_000_000)]
    public int MaxDocumentChars { get; set; } = Search.Text.DocumentRules.DefaultMaxTextCharacters;

    /// <summary>Target passage size in English words.</summary>
    [Range(10, 10_000)]
    public int PassageWords { get; set; } = 200;

    /// <summary>Target passage size in Chinese characters.</summary>
    [Range(10, 20_000)]
    public int PassageCjkChars { get; set; } = 200;

    /// <summary>
    /// Longest passage in UTF-16 units, whatever it holds: text without words (200,000 symbols, a run of emoji) costs
    /// nothing in words, and this keeps it from becoming one huge passage. 200 English words are about 1,200.
    /// </summary>
    [Range(100, 1_000_000)]
    public int PassageMaxChars { get; set; } = 3_000;

    /// <summary>
    /// Threads that hand one upsert's documents to Lucene's writer at once; 0 means one per processor. Concurrent
    /// upserts (other streams and calls) run on their own threads whatever this is. 1 because 2 measured more CPU and
    /// no shorter SciFact ingests on the shared two cores (docs/benchmarks.md, "Ingest with vectors").
    /// </summary>
    [Range(0, 256)]
    public int IngestThreads { get; set; } = 1;

    /// <summary>Documents of an ingest stream analysed together (the stream commits once, before its acknowledgement).</summary>
    [Range(1, 100_000)]
    public int StreamBatchSize { get; set; } = 500;

    /// <summary>Full path of <see cref="DataDirectory"/> (a method, so option validation never evaluates it).</summary>
    public string ResolveDataPath() => Path.GetFullPath(DataDirectory);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Backend))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Backend)} must be {string.Join(" or ", Enum.GetNames<RetrievalBackend>())}.", [nameof(Backend)]);
        }

        if (Backend == RetrievalBackend.Elasticsearch)
        {
            foreach (var error in Elasticsearch.Validate($"{SectionName}:{nameof(Elasticsearch)}"))
            {
                yield return error;
            }

            if (Embeddings.Sentences)
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(Embeddings)}:{nameof(EmbeddingOptions.Sentences)} is for the embedded index: the Elasticsearch backend stores no sentence vectors.",
                    [$"{nameof(Embeddings)}.{nameof(EmbeddingOptions.Sentences)}"]);
            }
        }

        var embeddingErrors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(Embeddings, new ValidationContext(Embeddings), embeddingErrors, validateAllProperties: true))
        {
            foreach (var error in embeddingErrors)
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(Embeddings)}: {error.ErrorMessage}",
                    [.. error.MemberNames.Select(m => $"{nameof(Embeddings)}.{m}")]);
            }
        }

        if (DefaultTopK > MaxTopK)
        {
            yield return new ValidationResult(
                $"{nameof(DefaultTopK)} ({DefaultTopK}) must not exceed {nameof(MaxTopK)} ({MaxTopK}).",
                [nameof(DefaultTopK), nameof(MaxTopK)]);
        }
    }
}
