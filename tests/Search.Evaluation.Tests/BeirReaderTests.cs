using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.TestKit;

namespace Search.Evaluation.Tests;

public sealed class BeirReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("beir-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void CorpusLinesBecomeDocumentsAndBadLinesAreReportedByNumber()
    {
        var path = Write("corpus.jsonl",
            """{"_id": "d1", "title": "T", "text": "Body one."}""",
            "",
            """{"_id": 42, "title": "", "text": "Numeric id."}""",
            """{"_id": "d3", "title": "No text"}""",
            "not json");

        var records = BeirReader.ReadCorpus(path).ToList();

        Assert.Equal(["d1", "42"], records.Where(r => r.IsValid).Select(r => r.Document!.Id));
        Assert.Equal([4, 5], records.Where(r => !r.IsValid).Select(r => r.LineNumber));
        Assert.Contains("text", records.Single(r => r.LineNumber == 4).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void QrelsSkipTheHeaderAndKeepGrades()
    {
        var path = Write("qrels.tsv", "query-id\tcorpus-id\tscore", "q1\td1\t1", "q1\td2\t2", "q2\td9\t0");

        var qrels = BeirReader.ReadQrels(path);

        Assert.Equal(2, qrels["q1"]["d2"]);
        Assert.Equal(0, qrels["q2"]["d9"]);
    }

    [Fact]
    public void AMalformedQrelsLineIsAnErrorNamingTheLine()
    {
        var path = Write("qrels.tsv", "query-id\tcorpus-id\tscore", "q1 d1 1");

        var error = Assert.Throws<InvalidDataException>(() => BeirReader.ReadQrels(path));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSharedSciFactFilesReadWhole()
    {
        var corpus = Prerequisite.SharedFile("beir-scifact/corpus.jsonl.gz");
        var queries = Prerequisite.SharedFile("beir-scifact/queries.jsonl");
        var qrels = Prerequisite.SharedFile("beir-scifact/qrels/train.tsv");

        Assert.Equal(5183, BeirReader.ReadCorpus(corpus).Count(r => r.IsValid));
        Assert.Equal(1109, BeirReader.ReadQueries(queries).Count);
        Assert.Equal(809, BeirReader.ReadQrels(qrels).Count);
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
