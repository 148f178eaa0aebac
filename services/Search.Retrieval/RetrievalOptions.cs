using System.ComponentModel.DataAnnotations;

namespace Search.Retrieval;

/// <summary>Configuration section "Retrieval": where the index lives, BM25 and passage settings.</summary>
public sealed class RetrievalOptions : IValidatableObject
{
    public const string SectionName = "Retrieval";

    /// <summary>Folder of the Lucene index, resolved against the current directory; created when missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = ".data/index";

    // k1, b and the title boost were picked by the passage top-1/top-5 of SQuAD, CMRC 2018 and DRCD questions
    // (RetrievalQualityTests.SweepSettings): short passages want little term-frequency saturation and length penalty.
    // The title boost then moved from 1 to 0.5 on BEIR SciFact train nDCG@10 (0.659 → 0.686; 2 gave 0.609),
    // which left the QA sets' top-1 within ±0.005.

    /// <summary>BM25 term-frequency saturation.</summary>
    [Range(0.0, 10.0)]
    public double Bm25K1 { get; set; } = 0.6;

    /// <summary>BM25 length normalisation: 0 ignores passage length, 1 normalises fully.</summary>
    [Range(0.0, 1.0)]
    public double Bm25B { get; set; } = 0.4;

    /// <summary>Weight of a query term matching the title relative to matching the passage text; 0 ignores titles.</summary>
    [Range(0.0, 100.0)]
    public double TitleBoost { get; set; } = 0.5;

    [Range(1, 10_000)]
    public int DefaultTopK { get; set; } = 10;

    [Range(1, 10_000)]
    public int MaxTopK { get; set; } = 200;

    [Range(1, 100_000_000)]
    public int MaxDocumentChars { get; set; } = 1_000_000;

    /// <summary>Target passage size in English words.</summary>
    [Range(10, 10_000)]
    public int PassageWords { get; set; } = 100;

    /// <summary>Target passage size in Chinese characters.</summary>
    [Range(10, 20_000)]
    public int PassageCjkChars { get; set; } = 200;

    /// <summary>Documents of an ingest stream committed together.</summary>
    [Range(1, 100_000)]
    public int StreamBatchSize { get; set; } = 500;

    /// <summary>Full path of <see cref="DataDirectory"/> (a method, so option validation never evaluates it).</summary>
    public string ResolveDataPath() => Path.GetFullPath(DataDirectory);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultTopK > MaxTopK)
        {
            yield return new ValidationResult(
                $"{nameof(DefaultTopK)} ({DefaultTopK}) must not exceed {nameof(MaxTopK)} ({MaxTopK}).",
                [nameof(DefaultTopK), nameof(MaxTopK)]);
        }
    }
}
