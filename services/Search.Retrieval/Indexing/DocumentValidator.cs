using Search.Text;

namespace Search.Retrieval.Indexing;

/// <summary>A document that passed validation, with its language resolved.</summary>
public sealed record ValidDocument(int Index, IngestDocument Document, TextLanguage Language);

/// <summary>Checks documents one by one so a bad item never sinks the rest of its batch.</summary>
public static class DocumentValidator
{
    /// <summary>
    /// Splits <paramref name="documents"/> into valid ones and rejections. When an id occurs
    /// more than once, only its last valid occurrence is kept (last wins).
    /// </summary>
    /// <param name="firstIndex">Position of the first document in its stream, for rejection indexes.</param>
    public static (IReadOnlyList<ValidDocument> Valid, IReadOnlyList<IngestRejection> Rejected) Validate(
        IReadOnlyList<IngestDocument> documents, int maxDocumentChars, int firstIndex = 0)
    {
        var checkedDocuments = new List<ValidDocument>();
        var rejected = new List<IngestRejection>();
        for (var i = 0; i < documents.Count; i++)
        {
            var document = documents[i];
            var index = firstIndex + i;
            var reason = Check(document, maxDocumentChars, out var language);
            if (reason is not null)
            {
                rejected.Add(new IngestRejection(index, DocumentRules.Preview(document.Id), reason));
                continue;
            }

            checkedDocuments.Add(new ValidDocument(index, document, language));
        }

        var lastIndexById = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var valid in checkedDocuments)
        {
            lastIndexById[valid.Document.Id] = valid.Index;
        }

        return (checkedDocuments.Where(v => lastIndexById[v.Document.Id] == v.Index).ToList(), rejected);
    }

    /// <summary>Why <paramref name="document"/> cannot be ingested, or null when it can.</summary>
    public static string? Check(IngestDocument document, int maxDocumentChars, out TextLanguage language)
    {
        language = TextLanguage.Unknown;
        // The gateway checked the same rules; retrieval checks them again, so no other caller can store what they refuse.
        if (DocumentRules.Problem(document.Id, document.Text, document.Title, document.Url, maxDocumentChars) is { } problem)
        {
            return problem;
        }

        if (document.UpdatedAtUnixMs < 0)
        {
            return "updated_at_unix_ms is negative";
        }

        if (!TextLanguageTags.TryParse(document.Lang, out language))
        {
            return $"language tag '{document.Lang}' is not known (use en, zh-Hans, zh-Hant or leave it empty to detect)";
        }

        if (language == TextLanguage.Unknown)
        {
            language = LanguageDetector.Detect(document.Text);
        }

        return null;
    }
}
