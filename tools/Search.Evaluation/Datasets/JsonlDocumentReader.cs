using System.Text.Json;

namespace Search.Evaluation.Datasets;

/// <summary>One line of a JSONL file: a document, or the reason the line could not be one.</summary>
public sealed record JsonlRecord(int LineNumber, DatasetDocument? Document, string? Error, string? DocumentId = null)
{
    public bool IsValid => Document is not null;
}

/// <summary>
/// Reads documents written one JSON object per line: <c>{"id","title","text","url","lang"}</c>.
/// A bad line is reported with its number and reason and never stops the reading.
/// </summary>
public static class JsonlDocumentReader
{
    /// <summary>Reads a JSONL file (plain or gzip). Throws only when the file cannot be opened.</summary>
    public static IEnumerable<JsonlRecord> ReadFile(string path)
    {
        // Open eagerly so a missing file fails at the call, not at the first MoveNext.
        var reader = new StreamReader(DatasetFile.Open(path));
        return ReadAndDispose(reader);
    }

    public static IEnumerable<JsonlRecord> Read(TextReader reader)
    {
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ParseLine(line, lineNumber);
        }
    }

    /// <summary>Parses one line; blank lines are the caller's business.</summary>
    public static JsonlRecord ParseLine(string line, int lineNumber)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            // The parser's own position text says "LineNumber: 0" for a single line: keep only the column.
            var reason = e.Message.Split(" LineNumber:", 2)[0].TrimEnd();
            return new JsonlRecord(lineNumber, null, $"not valid JSON at column {e.BytePositionInLine + 1}: {reason}");
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new JsonlRecord(lineNumber, null, $"expected a JSON object, got {json.RootElement.ValueKind}");
            }

            var root = json.RootElement;
            string? id = null, title = null, text = null, url = null, lang = null;
            if (!TryField(root, "id", allowNumber: true, ref id, out var error)
                || !TryField(root, "title", allowNumber: false, ref title, out error)
                || !TryField(root, "text", allowNumber: false, ref text, out error)
                || !TryField(root, "url", allowNumber: false, ref url, out error)
                || !TryField(root, "lang", allowNumber: false, ref lang, out error))
            {
                return new JsonlRecord(lineNumber, null, error, id);
            }

            if (string.IsNullOrWhiteSpace(id))
            {
                return new JsonlRecord(lineNumber, null, "missing \"id\"");
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                return new JsonlRecord(lineNumber, null, "missing \"text\"", id);
            }

            var document = new DatasetDocument { Id = id, Title = title ?? "", Text = text, Url = url ?? "", Lang = lang ?? "" };
            return new JsonlRecord(lineNumber, document, null, id);
        }
    }

    private static bool TryField(JsonElement root, string name, bool allowNumber, ref string? value, out string? error)
    {
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                value = element.GetString();
                return true;
            case JsonValueKind.Number when allowNumber:
                value = element.GetRawText();
                return true;
            default:
                error = $"\"{name}\" must be a string, got {element.ValueKind}";
                return false;
        }
    }

    private static IEnumerable<JsonlRecord> ReadAndDispose(StreamReader reader)
    {
        using (reader)
        {
            foreach (var record in Read(reader))
            {
                yield return record;
            }
        }
    }
}
