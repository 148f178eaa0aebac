using System.ComponentModel.DataAnnotations;
using Search.Text;

namespace Search.Router;

/// <summary>Settings of the router, bound from the "Router" section and validated at start.</summary>
public sealed class RouterOptions : IValidatableObject
{
    public const string SectionName = "Router";

    /// <summary>Longest accepted query, in characters (text elements) after normalisation.</summary>
    [Range(1, 100_000)]
    public int MaxQueryLength { get; set; } = TextNormalizer.MaxQueryLength;

    /// <summary>
    /// Longest raw input looked at, in characters, before normalisation. Whitespace runs and NFKC can make a
    /// query shrink, so the raw limit is looser; it keeps megabyte payloads away from the normaliser.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxInputLength { get; set; } = 8 * TextNormalizer.MaxQueryLength;

    /// <summary>
    /// A keyword query needs at least this many distinct content terms (after stop words) before
    /// an answer is attempted; one bare word ("python") rarely names a fact.
    /// </summary>
    [Range(1, 100)]
    public int MinKeywordTermsForAnswer { get; set; } = 2;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxInputLength < MaxQueryLength)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(MaxInputLength)} must be at least {SectionName}:{nameof(MaxQueryLength)}.",
                [nameof(MaxInputLength)]);
        }
    }
}
