using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Search.Text;

namespace Search.Router.Routing;

/// <summary>Normalises a query and decides its language, intent and whether an answer is worth attempting.</summary>
public sealed class QueryRouter(IOptions<RouterOptions> options)
{
    private readonly RouterOptions _options = options.Value;

    /// <summary>
    /// Routes <paramref name="query"/>; false with a message safe to show when the query is empty,
    /// too long or the language hint is unknown.
    /// </summary>
    public bool TryRoute(
        string? query,
        string? languageHint,
        [NotNullWhen(true)] out QueryRoute? route,
        [NotNullWhen(false)] out string? error)
    {
        route = null;
        error = Validate(query, languageHint, out var normalized, out var hinted);
        if (error is not null)
        {
            return false;
        }

        route = Decide(normalized, hinted);
        return true;
    }

    private string? Validate(string? query, string? languageHint, out string normalized, out TextLanguage hinted)
    {
        normalized = "";
        if (!TextLanguageTags.TryParse(languageHint, out hinted))
        {
            return $"language_hint '{Truncate(languageHint!, 20)}' is not supported; use en, zh-Hans or zh-Hant, or leave it empty";
        }

        // The raw input is bounded before the normaliser sees it; the limit proper applies to the normalised query.
        if (query is not null && TextLength.Exceeds(query, _options.MaxInputLength))
        {
            return TextLength.TooLong("query", query, _options.MaxQueryLength);
        }

        normalized = TextNormalizer.Normalize(query);
        if (normalized.Length == 0)
        {
            return "query is empty";
        }

        return TextLength.Exceeds(normalized, _options.MaxQueryLength) ? TextLength.TooLong("query", normalized, _options.MaxQueryLength) : null;
    }

    private QueryRoute Decide(string normalized, TextLanguage hinted)
    {
        var language = hinted != TextLanguage.Unknown ? hinted : LanguageDetector.Detect(normalized);
        if (language == TextLanguage.Unknown)
        {
            // Digits or symbols only: English is the default index language.
            language = TextLanguage.English;
        }

        var cue = IntentClassifier.Classify(normalized);
        if (cue.Intent == QueryIntent.Navigational)
        {
            return new(normalized, language, cue.Intent, ExpectedAnswer.None, ShouldAnswer: false,
                $"navigational: {cue.Why}; no answer box for a site search");
        }

        var answerType = AnswerCues.Detect(normalized);
        var contentTerms = TextTokenizer.Terms(normalized).Count;
        if (contentTerms == 0)
        {
            // "what is it?" leaves nothing to retrieve with once stop words are gone.
            return new(normalized, language, cue.Intent, answerType, ShouldAnswer: false,
                $"{Describe(cue.Intent)}: {cue.Why}, but no content words to answer from");
        }

        if (cue.Intent == QueryIntent.Question)
        {
            var asks = answerType == ExpectedAnswer.None ? "" : $" asking for a {answerType.ToString().ToLowerInvariant()}";
            return new(normalized, language, cue.Intent, answerType, ShouldAnswer: true,
                $"question{asks}: {cue.Why}; answer attempted");
        }

        // Keyword queries: one bare word ("python") names a topic, not a fact, and an answer box
        // would be a guess. Two or more content terms often form an entity lookup ("boiling point
        // water", "珠穆朗玛峰 高度") that a short answer serves well; the answer service still
        // abstains when its confidence is low, so attempting costs little.
        var shouldAnswer = contentTerms >= _options.MinKeywordTermsForAnswer;
        return new(normalized, language, cue.Intent, answerType, shouldAnswer, shouldAnswer
            ? $"keyword lookup with {contentTerms} content terms; answer attempted"
            : $"keyword query with {contentTerms} content term; too little to answer");
    }

    private static string Describe(QueryIntent intent) => intent == QueryIntent.Question ? "question" : "keyword query";

    // The hint is echoed in the error, so only a short, cleaned prefix of it.
    private static string Truncate(string text, int max) =>
        text.Length <= max ? TextNormalizer.Normalize(text) : TextNormalizer.Normalize(text[..max]) + "…";
}
