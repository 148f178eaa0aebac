using System.Text.Json;
using Search.Evaluation.Datasets;

namespace Search.LoadTest.Queries;

/// <summary>The layouts a query file can have.</summary>
public enum QueryFileFormat
{
    /// <summary>One query per line; a .tsv file contributes the first column of each line.</summary>
    PlainText,

    /// <summary>SQuAD-format JSON (SQuAD, CMRC 2018, DRCD): every question of every paragraph.</summary>
    Squad,

    /// <summary>One JSON object per line with a "question" field (NQ-open and the like).</summary>
    Jsonl,
}

/// <summary>Reads the queries a load test asks, plain or gzip, in file order.</summary>
public static class QueryFile
{
    /// <summary>Reads every query of <paramref name="path"/>; throws <see cref="IOException"/> or <see cref="InvalidDataException"/>.</summary>
    public static IReadOnlyList<string> Read(string path) => Read(path, DetectFormat(path));

    public static IReadOnlyList<string> Read(string path, QueryFileFormat format) => format switch
    {
        QueryFileFormat.Squad => SquadReader.ReadFile(path).Questions.Select(q => q.Question).ToList(),
        QueryFileFormat.Jsonl => ReadJsonl(path),
        _ => ReadLines(path, firstColumnOnly: IsTsv(path)),
    };

    /// <summary>
    /// By extension first (.json and .jsonl, with or without .gz; .txt and .tsv are text), otherwise by the
    /// first non-blank line: a whole JSON object is JSONL, a line opening a JSON object that does not close on
    /// it is SQuAD, anything else is text.
    /// </summary>
    public static QueryFileFormat DetectFormat(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        var extension = Path.GetExtension(name).ToLowerInvariant();
        switch (extension)
        {
            case ".jsonl" or ".ndjson":
                return QueryFileFormat.Jsonl;
            case ".json":
                return QueryFileFormat.Squad;
            case ".txt" or ".tsv":
                return QueryFileFormat.PlainText;
        }

        using var reader = new StreamReader(DatasetFile.Open(path));
        while (reader.ReadLine() is { } line)
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (!trimmed.StartsWith('{'))
            {
                return QueryFileFormat.PlainText;
            }

            try
            {
                using var json = JsonDocument.Parse(trimmed);
                return QueryFileFormat.Jsonl;
            }
            catch (JsonException)
            {
                return QueryFileFormat.Squad;
            }
        }

        return QueryFileFormat.PlainText;
    }

    private static List<string> ReadLines(string path, bool firstColumnOnly)
    {
        using var reader = new StreamReader(DatasetFile.Open(path));
        var queries = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var query = (firstColumnOnly ? line.Split('\t', 2)[0] : line).Trim();
            if (query.Length > 0)
            {
                queries.Add(query);
            }
        }

        return queries;
    }

    private static List<string> ReadJsonl(string path)
    {
        var queries = new List<string>();
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
                    queries.Add(text.Trim());
                }
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path} line {lineNumber} is not JSON: {e.Message.Split(" LineNumber:", 2)[0]}", e);
            }
        }

        return queries;
    }

    private static bool IsTsv(string path) =>
        (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path).EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);
}
