using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Search.Answer.Generation;

/// <summary>
/// Grounded generation, section "Answer:Llm". Off unless <see cref="Endpoint"/> is set; every
/// validation message names the key to fix, e.g. "Answer:Llm:Model".
/// </summary>
public sealed class LlmOptions : IValidatableObject
{
    public const string SectionName = "Answer:Llm";

    /// <summary>
    /// Base address of an OpenAI-compatible chat completions API, the part before "/chat/completions"
    /// (e.g. http://127.0.0.1:11434/v1). Empty means generation is off and the extractive answer is used.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The model name the endpoint serves; required with <see cref="Endpoint"/>.</summary>
    public string? Model { get; set; }

    /// <summary>Bearer key, when the endpoint wants one; local servers usually do not.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Budget of one generation, first token to last; past it the extractive answer is used.</summary>
    public int TimeoutMs { get; set; } = 20_000;

    /// <summary>How many of the top passages are given to the model, numbered [1]..[n].</summary>
    public int MaxPassages { get; set; } = 5;

    /// <summary>Only this much of each passage is sent, so one long passage cannot crowd out the others.</summary>
    public int MaxPassageChars { get; set; } = 2_000;

    public int MaxOutputTokens { get; set; } = 256;

    /// <summary>
    /// Model calls running at once; one more is not queued (it would only wait past its budget) but falls back to
    /// the extractive answer at once, with the reason.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 8;

    /// <summary>0 keeps the answer as close to the passages as the model goes.</summary>
    public double Temperature { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return Error(nameof(Endpoint), $"'{Endpoint}' is not an absolute http or https address (e.g. http://127.0.0.1:11434/v1)");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            yield return Error(nameof(Model), $"is required when {SectionName}:{nameof(Endpoint)} is set (the model name the endpoint serves)");
        }

        if (TimeoutMs is < 100 or > 600_000)
        {
            yield return Error(nameof(TimeoutMs), $"must be between 100 and 600000; got {TimeoutMs}");
        }

        if (MaxPassages is < 1 or > 50)
        {
            yield return Error(nameof(MaxPassages), $"must be between 1 and 50; got {MaxPassages}");
        }

        if (MaxPassageChars is < 100 or > 100_000)
        {
            yield return Error(nameof(MaxPassageChars), $"must be between 100 and 100000; got {MaxPassageChars}");
        }

        if (MaxOutputTokens is < 1 or > 32_000)
        {
            yield return Error(nameof(MaxOutputTokens), $"must be between 1 and 32000; got {MaxOutputTokens}");
        }

        if (MaxConcurrentCalls is < 1 or > 10_000)
        {
            yield return Error(nameof(MaxConcurrentCalls), $"must be between 1 and 10000; got {MaxConcurrentCalls}");
        }

        if (Temperature is < 0 or > 2 || double.IsNaN(Temperature))
        {
            yield return Error(nameof(Temperature), $"must be between 0 and 2; got {Temperature.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static ValidationResult Error(string key, string message) =>
        new($"{SectionName}:{key} {message}.", [key]);
}
