using System.Globalization;
using System.Text.Json;

namespace Search.Evaluation.Datasets;

/// <summary>
/// Reads the BEIR layout: <c>corpus.jsonl</c> (<c>{"_id","title","text"}</c>), <c>queries.jsonl</c>
/// (<c>{"_id","text"}</c>) and a qrels TSV (<c>query-id corpus-id score</c>, with a header), plain or gzip.
/// </summary>
public static class BeirReader
{
    /// <summary>Corpus documents; a bad line is reported with its number and reason, never thrown.</summary>
    public static IEnumerable<JsonlRecord> ReadCorpus(string path)
    {
        var reader = new StreamReader(DatasetFile.Open(path));
        return Iterate();

        IEnumerable<JsonlRecord> Iterate()
        {
            using (reader)
            {
                var lineNumber = 0;
                while (reader.ReadLine() is { } line)
                {
                    lineNumber++;
                    if (!string.IsNullOrWhiteSpace(line))
                    {
                        yield return ParseCorpusLine(line, lineNumber);
                    }
                }
            }
        }
    }

    public static JsonlRecord ParseCorpusLine(string line, int lineNumber)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var id = Field(root, "_id");
            var text = Field(root, "text");
            if (string.IsNullOrWhiteSpace(id))
            {
                return new JsonlRecord(lineNumber, null, "missing \"_id\"");
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                return new JsonlRecord(lineNumber, null, "missing \"text\"", id);
            }

            return new JsonlRecord(lineNumber, new DatasetDocument { Id = id, Title = Field(root, "title") ?? "", Text = text, Lang = "en" }, null, id);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new JsonlRecord(lineNumber, null, $"not a BEIR corpus line: {e.Message.Split(" LineNumber:", 2)[0]}");
        }
    }

    /// <summary>Query id → query text.</summary>
    public static Dictionary<string, string> ReadQueries(string path)
    {
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (lineNumber, line) in DatasetFile.NonBlankLines(path))
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                if (Field(json.RootElement, "_id") is { Length: > 0 } id && Field(json.RootElement, "text") is { } text)
                {
                    queries[id] = text;
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path} line {lineNumber} is not a BEIR query: {e.Message.Split(" LineNumber:", 2)[0]}", e);
            }
        }

        return queries;
    }

    /// <summary>Query id → (document id → graded relevance), from a TSV with or without its header.</summary>
    public static Dictionary<string, Dictionary<string, int>> ReadQrels(string path)
    {
        using var reader = new StreamReader(DatasetFile.Open(path));
        var qrels = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var fields = line.Split('\t');
            if (string.IsNullOrWhiteSpace(line) || (lineNumber == 1 && fields[0] == "query-id"))
            {
                continue;
            }

            if (fields.Length != 3 || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var grade))
            {
                throw new InvalidDataException($"{path} line {lineNumber}: expected 'query-id<TAB>corpus-id<TAB>score'");
            }

            if (!qrels.TryGetValue(fields[0], out var judged))
            {
                qrels[fields[0]] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            judged[fields[1]] = grade;
        }

        return qrels;
    }

    // BEIR ids are strings, but some corpora write them as numbers.
    private static string? Field(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
