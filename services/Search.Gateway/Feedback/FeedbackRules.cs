using Search.Text;

namespace Search.Gateway.Feedback;

/// <summary>Feedback as received, before any check: every field as text, the kind by its wire name.</summary>
public sealed record FeedbackInput(string? Kind, string? Query, string? Answer, string? PassageId, string? ModelVersion, string? Correction);

/// <summary>
/// The one set of checks REST and gRPC feedback pass before anything is stored: a known kind, the query and the shown
/// answer present, every field within its length and free of control characters (line breaks are allowed in the answer
/// and the correction, which come from passage text or a person's words). A failure is a message for a 400 / INVALID_ARGUMENT.
/// </summary>
public static class FeedbackRules
{
    /// <summary>As many characters as a search query may have.</summary>
    public const int MaxQueryLength = Search.Text.TextNormalizer.MaxQueryLength;

    public const int MaxAnswerLength = 2_000;
    public const int MaxCorrectionLength = 2_000;
    public const int MaxPassageIdLength = 512;
    public const int MaxModelVersionLength = 128;

    public static FeedbackSubmission? Validate(FeedbackInput input, out string error)
    {
        var kindName = input.Kind?.Trim() ?? "";
        if (kindName.Length == 0)
        {
            error = "kind is required: helpful, not_helpful or wrong_answer";
            return null;
        }

        if (!FeedbackKinds.TryParse(kindName, out var kind))
        {
            error = $"kind '{Shorten(kindName)}' is not one of helpful, not_helpful, wrong_answer";
            return null;
        }

        var query = input.Query?.Trim() ?? "";
        var answer = input.Answer?.Trim() ?? "";
        var passageId = input.PassageId?.Trim() ?? "";
        var modelVersion = input.ModelVersion?.Trim() ?? "";
        var correction = input.Correction?.Trim() ?? "";
        var problem = Problem("query", query, MaxQueryLength, required: true, lineBreaks: false)
            ?? Problem("answer", answer, MaxAnswerLength, required: true, lineBreaks: true)
            ?? Problem("passage_id", passageId, MaxPassageIdLength, required: false, lineBreaks: false)
            ?? Problem("model_version", modelVersion, MaxModelVersionLength, required: false, lineBreaks: false)
            ?? Problem("correction", correction, MaxCorrectionLength, required: false, lineBreaks: true)
            ?? (correction.Length > 0 && kind != FeedbackKind.WrongAnswer ? $"a correction goes only with kind wrong_answer, not {kind.Name()}" : null);
        if (problem is not null)
        {
            error = problem;
            return null;
        }

        error = "";
        return new FeedbackSubmission(kind, query, answer, passageId, modelVersion, correction.Length == 0 ? null : correction);
    }

    /// <summary>What is wrong with one text field (required, length, control characters), or null; review checks its fields with it too.</summary>
    internal static string? Problem(string field, string value, int maxLength, bool required, bool lineBreaks)
    {
        if (required && value.Length == 0)
        {
            return $"{field} is required";
        }

        if (TextLength.Exceeds(value, maxLength))
        {
            return TextLength.TooLong(field, value, maxLength);
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return $"{field} holds a broken surrogate pair at character {i}";
            }

            if (char.IsControl(c) && !(lineBreaks && c is '\n' or '\r' or '\t'))
            {
                return $"{field} holds a control character (U+{(int)c:X4}) at character {i}";
            }
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
