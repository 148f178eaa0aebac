using System.IO.Compression;
using Search.Evaluation.Datasets;

namespace Search.Evaluation.Tests;

public sealed class JsonlDocumentReaderTests
{
    [Fact]
    public void ReadsDocumentsWithAllFields()
    {
        var records = Read("""{"id":"d1","title":"Water","text":"Water boils at 100 °C.","url":"https://example.org/w","lang":"en"}""");

        var document = Assert.Single(records).Document;
        Assert.NotNull(document);
        Assert.Equal("d1", document.Id);
        Assert.Equal("Water", document.Title);
        Assert.Equal("Water boils at 100 °C.", document.Text);
        Assert.Equal("https://example.org/w", document.Url);
        Assert.Equal("en", document.Lang);
    }

    [Fact]
    public void BadLinesAreReportedWithTheirNumberAndTheRestIsRead()
    {
        var records = Read(
            """{"id":"ok1","text":"first"}""",
            """{"id":"broken", "text": """,
            "",
            """{"title":"no id","text":"body"}""",
            """{"id":"no-text","title":"t"}""",
            """[1, 2]""",
            """{"id":"bad-type","text":42}""",
            """{"id":7,"text":"numeric id"}""");

        Assert.Equal(["ok1", "7"], records.Where(r => r.IsValid).Select(r => r.Document!.Id));
        var errors = records.Where(r => !r.IsValid).ToDictionary(r => r.LineNumber);
        Assert.Equal([2, 4, 5, 6, 7], errors.Keys.Order());
        Assert.StartsWith("not valid JSON", errors[2].Error, StringComparison.Ordinal);
        Assert.Equal("missing \"id\"", errors[4].Error);
        Assert.Equal("missing \"text\"", errors[5].Error);
        Assert.Equal("no-text", errors[5].DocumentId);
        Assert.Contains("JSON object", errors[6].Error, StringComparison.Ordinal);
        Assert.Contains("\"text\" must be a string", errors[7].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void BlankLinesCountForLineNumbersButYieldNothing()
    {
        var records = Read("", "   ", """{"id":"x","text":"y"}""");

        Assert.Equal(3, Assert.Single(records).LineNumber);
    }

    [Fact]
    public void ReadsGzipFilesWhateverTheirName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"docs-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            using (var writer = new StreamWriter(gzip))
            {
                writer.WriteLine("""{"id":"g1","text":"compressed"}""");
            }

            var record = Assert.Single(JsonlDocumentReader.ReadFile(path).ToList());
            Assert.Equal("compressed", record.Document!.Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFileThrowsAtTheCall()
    {
        Assert.ThrowsAny<IOException>(() => JsonlDocumentReader.ReadFile(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.jsonl")));
    }

    private static List<JsonlRecord> Read(params string[] lines) =>
        JsonlDocumentReader.Read(new StringReader(string.Join('\n', lines))).ToList();
}
