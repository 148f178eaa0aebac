using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Search.Retrieval;

/// <summary>
/// Configuration section "Retrieval:Elasticsearch". Validated only when the backend is Elasticsearch;
/// every message names the key to fix, e.g. "Retrieval:Elasticsearch:Urls".
/// </summary>
public sealed class ElasticsearchOptions
{
    /// <summary>Node addresses (http or https); more than one spreads requests and survives a node going away.</summary>
    public string[] Urls { get; set; } = [];

    /// <summary>Base64 API key ("id:key" encoded, as Elasticsearch issues it); excludes <see cref="Username"/>.</summary>
    public string? ApiKey { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>SHA-256 fingerprint of the cluster's CA certificate (hex, colons allowed), for self-signed clusters.</summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>
    /// The alias searches and writes go through. The real index is "{alias}-v{schema version}", so a mapping
    /// change creates a new index, reindexes into it and moves the alias in one atomic step.
    /// </summary>
    public string IndexAlias { get; set; } = "search-passages";

    /// <summary>Per-request timeout.</summary>
    public double RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>How long start-up waits for the cluster before failing.</summary>
    public double StartupTimeoutSeconds { get; set; } = 60;

    public int NumberOfShards { get; set; } = 1;

    public int NumberOfReplicas { get; set; } = 1;

    /// <summary>Weight of the passage text in multi_match; the title's weight is Retrieval:TitleBoost.</summary>
    public double TextWeight { get; set; } = 1.0;

    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(RequestTimeoutSeconds);

    public TimeSpan StartupTimeout => TimeSpan.FromSeconds(StartupTimeoutSeconds);

    public IEnumerable<ValidationResult> Validate(string section)
    {
        if (Urls.Length == 0)
        {
            yield return Error(section, nameof(Urls), "needs at least one node address, e.g. https://es.internal:9200");
        }

        foreach (var url in Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return Error(section, nameof(Urls), $"'{url}' is not an absolute http or https address");
            }
        }

        if (!string.IsNullOrEmpty(ApiKey) && !string.IsNullOrEmpty(Username))
        {
            yield return Error(section, nameof(ApiKey), $"and {section}:{nameof(Username)} are both set; use one way to authenticate");
        }

        if (!string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(Password))
        {
            yield return Error(section, nameof(Password), $"is required when {section}:{nameof(Username)} is set");
        }

        if (!string.IsNullOrEmpty(CertificateFingerprint))
        {
            var hex = CertificateFingerprint.Replace(":", "", StringComparison.Ordinal);
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            {
                yield return Error(section, nameof(CertificateFingerprint), "must be a SHA-256 fingerprint: 64 hex digits, colons allowed");
            }
        }

        if (string.IsNullOrWhiteSpace(IndexAlias) || IndexAlias.Any(char.IsAsciiLetterUpper) || IndexAlias.StartsWith('_') || IndexAlias.StartsWith('-')
            || IndexAlias.Any(c => c is ' ' or '"' or '*' or '\\' or '<' or '|' or ',' or '>' or '/' or '?' or '#' or ':'))
        {
            yield return Error(section, nameof(IndexAlias), $"'{IndexAlias}' is not a valid index name (lowercase, no spaces or \\/*?\"<>|,#:, not starting with _ or -)");
        }

        if (RequestTimeoutSeconds is <= 0 or > 600)
        {
            yield return Error(section, nameof(RequestTimeoutSeconds), $"must be between 0 and 600 seconds; got {RequestTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}");
        }

        if (StartupTimeoutSeconds is <= 0 or > 3600)
        {
            yield return Error(section, nameof(StartupTimeoutSeconds), $"must be between 0 and 3600 seconds; got {StartupTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}");
        }

        if (NumberOfShards is < 1 or > 1024)
        {
            yield return Error(section, nameof(NumberOfShards), $"must be between 1 and 1024; got {NumberOfShards}");
        }

        if (NumberOfReplicas is < 0 or > 32)
        {
            yield return Error(section, nameof(NumberOfReplicas), $"must be between 0 and 32; got {NumberOfReplicas}");
        }

        if (TextWeight is <= 0 or > 100)
        {
            yield return Error(section, nameof(TextWeight), $"must be above 0 and at most 100; got {TextWeight.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static ValidationResult Error(string section, string key, string message) =>
        new($"{section}:{key} {message}.", [key]);
}
