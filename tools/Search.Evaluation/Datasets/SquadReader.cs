using System.Text.Json;

namespace Search.Evaluation.Datasets;

/// <summary>
/// A question of a SQuAD-format file with its gold answers, the id of the paragraph it was asked about and the
/// index of its article in the file, from 0 (training and evaluation split questions by article).
/// <paramref name="Impossible"/>: the file marks it <c>"is_impossible": true</c> (SQuAD 2.0): the documents do not answer it.
/// </summary>
public sealed record SquadQuestion(string Id, string Question, IReadOnlyList<string> Answers, string DocumentId, int Article = 0, bool Impossible = false);

/// <summary>A paragraph of a SQuAD-format file: the document it is ingested as, its article's index and its index in the article.</summary>
public sealed record SquadParagraph(DatasetDocument Document, int Article, int Ordinal);

/// <summary>The paragraphs of a SQuAD-format file (file order) and its questions (file order).</summary>
public sealed record SquadDataset(IReadOnlyList<SquadParagraph> Paragraphs, IReadOnlyList<SquadQuestion> Questions)
{
    /// <summary>The paragraphs as documents, in file order.</summary>
    public IReadOnlyList<DatasetDocument> Documents { get; } = [.. Paragraphs.Select(p => p.Document)];
}

/// <summary>
/// Reads SQuAD-format files (SQuAD, CMRC 2018, DRCD, the team's probe set), plain or gzip. Each paragraph becomes a
/// document whose id is the same at ingest and at evaluation: see <see cref="DocumentId"/>. Optional <c>"lang"</c> and
/// <c>"url"</c> on an article (or a paragraph, which wins) go to its documents; <c>"is_impossible"</c> to its questions.
/// </summary>
public static class SquadReader
{
    /// <summary>Reads a file; throws <see cref="FileNotFoundException"/>, <see cref="IOException"/> or <see cref="InvalidDataException"/>.</summary>
    public static SquadDataset ReadFile(string path)
    {
        using var stream = DatasetFile.Open(path);
        return Read(stream, path);
    }

    /// <summary>Reads a SQuAD JSON stream (gzip detected by magic bytes).</summary>
    public static SquadDataset Read(Stream stream, string sourceName = "input")
    {
        using var content = DatasetFile.DecompressIfGzip(stream);
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sourceName} is not valid JSON: {e.Message}", e);
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{sourceName} is not a SQuAD-format file: it has no top-level \"data\" array");
            }

            return ReadArticles(data);
        }
    }

    /// <summary>
    /// The document id of a paragraph: its own <c>id</c> when it has one (CMRC, DRCD), otherwise
    /// <c>"{articleTitle}#{paragraphIndex}"</c> with the paragraph's index inside its article, from 0.
    /// </summary>
    public static string DocumentId(string articleTitle, int paragraphIndex, string? paragraphId = null) =>
        string.IsNullOrWhiteSpace(paragraphId) ? $"{articleTitle}#{paragraphIndex}" : paragraphId;

    private static SquadDataset ReadArticles(JsonElement data)
    {
        var paragraphsRead = new List<SquadParagraph>();
        var questions = new List<SquadQuestion>();
        var articleIndex = 0;
        foreach (var article in data.EnumerateArray())
        {
            if (article.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"article {articleIndex} is not a JSON object");
            }

            // An article without a title still needs a stable name for its paragraph ids.
            var title = Text(article, "title") ?? Text(article, "id") ?? $"article-{articleIndex}";
            var articleLang = Text(article, "lang") ?? "";
            var articleUrl = Text(article, "url") ?? "";
            if (article.TryGetProperty("paragraphs", out var paragraphs) && paragraphs.ValueKind == JsonValueKind.Array)
            {
                var paragraphIndex = 0;
                foreach (var paragraph in paragraphs.EnumerateArray())
                {
                    var documentId = DocumentId(title, paragraphIndex, Text(paragraph, "id"));
                    var document = new DatasetDocument
                    {
                        Id = documentId,
                        // SQuAD titles are Wikipedia page names ("Super_Bowl_50"); show them as words so titles can match queries.
                        Title = title.Replace('_', ' '),
                        Text = Text(paragraph, "context") ?? "",
                        Lang = Text(paragraph, "lang") ?? articleLang,
                        Url = Text(paragraph, "url") ?? articleUrl,
                    };
                    paragraphsRead.Add(new SquadParagraph(document, articleIndex, paragraphIndex));
                    AddQuestions(paragraph, documentId, articleIndex, questions);
                    paragraphIndex++;
                }
            }

            articleIndex++;
        }

        return new SquadDataset(paragraphsRead, questions);
    }

    private static void AddQuestions(JsonElement paragraph, string documentId, int article, List<SquadQuestion> questions)
    {
        if (!paragraph.TryGetProperty("qas", out var qas) || qas.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var qa in qas.EnumerateArray())
        {
            // A question without text cannot be asked (CMRC 2018 trial has two).
            var question = Text(qa, "question");
            if (string.IsNullOrWhiteSpace(question))
            {
                continue;
            }

            var answers = new List<string>();
            if (qa.TryGetProperty("answers", out var answerArray) && answerArray.ValueKind == JsonValueKind.Array)
            {
                foreach (var answer in answerArray.EnumerateArray())
                {
                    if (Text(answer, "text") is { } text)
                    {
                        answers.Add(text);
                    }
                }
            }

            var impossible = qa.TryGetProperty("is_impossible", out var flag) && flag.ValueKind == JsonValueKind.True;
            questions.Add(new SquadQuestion(Text(qa, "id") ?? $"{documentId}/{questions.Count}", question, answers, documentId, article, impossible));
        }
    }

    private static string? Text(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
