using System.Text.Json;

namespace Search.Evaluation.Datasets;

/// <summary>The layouts a question file can have.</summary>
public enum QuestionFileFormat
{
    /// <summary>One question per line; a .tsv file contributes the first column of each line.</summary>
    PlainText,

    /// <summary>SQuAD-format JSON (SQuAD, CMRC 2018, DRCD): every question of every paragraph.</summary>
    Squad,

    /// <summary>One JSON object per line with a "question" field (NQ-open and the like).</summary>
    Jsonl,
}

/// <summary>Reads the questions of a file, plain or gzip, in file order, without their answers.</summary>
public static class QuestionFile
{
    /// <summary>Reads every question of <paramref name="path"/>; throws <see cref="IOException"/> or <see cref="InvalidDataException"/>.</summary>
    public static IReadOnlyList<string> Read(string path) => Read(path, DetectFormat(path));

    public static IReadOnlyList<string> Read(string path, QuestionFileFormat format) => format switch
    {
        QuestionFileFormat.Squad => SquadReader.ReadFile(path).Questions.Select(q => q.Question).ToList(),
        QuestionFileFormat.Jsonl => ReadJsonl(path),
        _ => ReadLines(path, firstColumnOnly: IsTsv(path)),
    };

    /// <summary>
    /// By extension first (.json and .jsonl, with or without .gz; .txt and .tsv are text), otherwise by the
    /// first non-blank line: a whole JSON object is JSONL, a line opening a JSON object that does not close on
    /// it is SQuAD, anything else is text.
    /// </summary>
    public static QuestionFileFormat DetectFormat(string path)
    {
        switch (Path.GetExtension(WithoutGz(path)).ToLowerInvariant())
        {
            case ".jsonl" or ".ndjson":
                return QuestionFileFormat.Jsonl;
            case ".json":
                return QuestionFileFormat.Squad;
            case ".txt" or ".tsv":
                return QuestionFileFormat.PlainText;
        }

        foreach (var (_, line) in DatasetFile.NonBlankLines(path))
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith('{'))
            {
                return QuestionFileFormat.PlainText;
            }

            try
            {
                using var json = JsonDocument.Parse(trimmed);
                return QuestionFileFormat.Jsonl;
            }
            catch (JsonException)
            {
                return QuestionFileFormat.Squad;
            }
        }

        return QuestionFileFormat.PlainText;
    }

    private static List<string> ReadLines(string path, bool firstColumnOnly) =>
        DatasetFile.NonBlankLines(path)
            .Select(l => (firstColumnOnly ? l.Line.Split('\t', 2)[0] : l.Line).Trim())
            .Where(q => q.Length > 0)
            .ToList();

    private static List<string> ReadJsonl(string path)
    {
        var questions = new List<string>();
        foreach (var (lineNumber, line) in DatasetFile.NonBlankLines(path))
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.ValueKind != JsonValueKind.Object
                    || !json.RootElement.TryGetProperty("question", out var question)
                    || question.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDataException($"{path} line {lineNumber}: expected an object with a \"question\" string");
                }

                if (question.GetString() is { } text && !string.IsNullOrWhiteSpace(text))
                {
                    questions.Add(text.Trim());
                }
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path} line {lineNumber} is not JSON: {e.Message.Split(" LineNumber:", 2)[0]}", e);
            }
        }

        return questions;
    }

    private static bool IsTsv(string path) => WithoutGz(path).EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);

    private static string WithoutGz(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
}
