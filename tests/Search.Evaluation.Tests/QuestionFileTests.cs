using System.IO.Compression;
using System.Text;
using Search.Evaluation.Datasets;
using Search.TestKit;

namespace Search.Evaluation.Tests;

public sealed class QuestionFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("question-files-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void PlainTextGivesOneQuestionPerNonBlankLine()
    {
        var path = Write("questions.txt", "who wrote hamlet\n\n   how tall is everest  \r\n水的沸点是多少\n");

        Assert.Equal(QuestionFileFormat.PlainText, QuestionFile.DetectFormat(path));
        Assert.Equal(["who wrote hamlet", "how tall is everest", "水的沸点是多少"], QuestionFile.Read(path));
    }

    [Fact]
    public void TsvGivesItsFirstColumn()
    {
        var path = Write("questions.tsv", "Who invented the telephone?\tAlexander Graham Bell\ten-telephone\nHow long is the Nile?\t6,650 kilometres\ten-nile\n");

        Assert.Equal(["Who invented the telephone?", "How long is the Nile?"], QuestionFile.Read(path));
    }

    [Fact]
    public void SquadJsonGivesEveryQuestionInFileOrder()
    {
        const string squad = """
            {"version": "1.1", "data": [
              {"title": "Nile", "paragraphs": [
                {"context": "The Nile is long.", "qas": [
                  {"id": "a", "question": "How long is the Nile?", "answers": [{"text": "long", "answer_start": 12}]},
                  {"id": "b", "question": "Which river is long?", "answers": []}]},
                {"context": "It flows north.", "qas": [{"id": "c", "question": "Where does it flow?", "answers": []}]}]},
              {"title": "Everest", "paragraphs": [
                {"context": "Everest is high.", "qas": [{"id": "d", "question": "What is high?", "answers": []}]}]}]}
            """;
        string[] expected = ["How long is the Nile?", "Which river is long?", "Where does it flow?", "What is high?"];
        var plain = Write("dev.json", squad);
        var gzip = WriteGzip("dev.json.gz", squad);
        var unnamed = Write("dev.data", squad);

        Assert.Equal(expected, QuestionFile.Read(plain));
        Assert.Equal(expected, QuestionFile.Read(gzip));
        Assert.Equal(QuestionFileFormat.Squad, QuestionFile.DetectFormat(unnamed));
        Assert.Equal(expected, QuestionFile.Read(unnamed));
    }

    [Fact]
    public void JsonlGivesTheQuestionFieldOfEachLine()
    {
        const string jsonl = """
            {"question": "when was the last time anyone was on the moon", "answer": ["14 December 1972 UTC"]}

            {"question": "who wrote he ain't heavy he's my brother lyrics", "answer": ["Bobby Scott"]}
            """;
        string[] expected = ["when was the last time anyone was on the moon", "who wrote he ain't heavy he's my brother lyrics"];
        var plain = Write("dev.jsonl", jsonl);
        var gzip = WriteGzip("dev.jsonl.gz", jsonl);
        var unnamed = Write("dev.log", jsonl);

        Assert.Equal(expected, QuestionFile.Read(plain));
        Assert.Equal(expected, QuestionFile.Read(gzip));
        Assert.Equal(QuestionFileFormat.Jsonl, QuestionFile.DetectFormat(unnamed));
        Assert.Equal(expected, QuestionFile.Read(unnamed));
    }

    [Fact]
    public void AJsonlLineWithoutAQuestionIsReportedWithItsNumber()
    {
        var path = Write("bad.jsonl", "{\"question\": \"fine\"}\n{\"query\": \"wrong field\"}\n");

        var error = Assert.Throws<InvalidDataException>(() => QuestionFile.Read(path));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"question\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextWithoutAnExtensionIsReadAsText()
    {
        var path = Write("questions", "who wrote hamlet\nhow tall is everest\n");

        Assert.Equal(QuestionFileFormat.PlainText, QuestionFile.DetectFormat(path));
        Assert.Equal(2, QuestionFile.Read(path).Count);
    }

    [Fact]
    public void TheNaturalQuestionsDevFileGivesOneQuestionPerLine()
    {
        var path = Prerequisite.SharedFile("nq-open/NQ-open.dev.jsonl");

        var lines = File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        var questions = QuestionFile.Read(path);

        Assert.Equal(lines.Count, questions.Count);
        Assert.Contains(questions[0], lines[0], StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private string WriteGzip(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(content));
        return path;
    }
}
