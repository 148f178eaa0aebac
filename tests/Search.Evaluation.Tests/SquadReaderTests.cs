using System.IO.Compression;
using System.Text;
using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.TestKit;

namespace Search.Evaluation.Tests;

public sealed class SquadReaderTests
{
    private const string Sample = """
        {"version": "1.1", "data": [
          {"title": "Super_Bowl_50", "paragraphs": [
            {"context": "The Denver Broncos won Super Bowl 50.", "qas": [
              {"id": "q1", "question": "Who won Super Bowl 50?", "answers": [{"answer_start": 0, "text": "Denver Broncos"}, {"answer_start": 4, "text": "Broncos"}]}]},
            {"context": "It was played in Santa Clara.", "qas": [
              {"id": "q2", "question": "Where was it played?", "answers": [{"answer_start": 17, "text": "Santa Clara"}]},
              {"id": "q3", "question": "Is this unanswerable?", "answers": [], "is_impossible": true}]}]},
          {"title": "梵文", "id": "1147", "paragraphs": [
            {"id": "1147-5", "context": "在歐洲，梵語的學術研究，由德國學者開創。", "qas": [
              {"id": "1147-5-1", "question": "哪一地區？", "answers": [{"id": "1", "text": "歐洲", "answer_start": 1}]}]}]}
        ]}
        """;

    [Fact]
    public void ParagraphsBecomeDocumentsWithDeterministicIds()
    {
        var dataset = SquadReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(Sample)));

        Assert.Equal(["Super_Bowl_50#0", "Super_Bowl_50#1", "1147-5"], dataset.Documents.Select(d => d.Id));
        Assert.Equal("Super Bowl 50", dataset.Documents[0].Title);
        Assert.Equal("梵文", dataset.Documents[2].Title);
        Assert.Equal("It was played in Santa Clara.", dataset.Documents[1].Text);
        Assert.All(dataset.Documents, d => Assert.Equal("", d.Lang));
    }

    [Fact]
    public void QuestionsCarryGoldAnswersAndTheirParagraphsId()
    {
        var dataset = SquadReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(Sample)));

        Assert.Equal(["q1", "q2", "q3", "1147-5-1"], dataset.Questions.Select(q => q.Id));
        var first = dataset.Questions[0];
        Assert.Equal("Who won Super Bowl 50?", first.Question);
        Assert.Equal(["Denver Broncos", "Broncos"], first.Answers);
        Assert.Equal("Super_Bowl_50#0", first.DocumentId);
        Assert.Equal("Super_Bowl_50#1", dataset.Questions[1].DocumentId);
        Assert.Empty(dataset.Questions[2].Answers);
        Assert.Equal("1147-5", dataset.Questions[3].DocumentId);
    }

    [Fact]
    public void PlainAndGzipFilesReadTheSame()
    {
        var plain = Path.Combine(Path.GetTempPath(), $"squad-{Guid.NewGuid():N}.json");
        var gzip = plain + ".gz";
        try
        {
            File.WriteAllText(plain, Sample);
            using (var stream = new GZipStream(File.Create(gzip), CompressionLevel.Fastest))
            {
                stream.Write(Encoding.UTF8.GetBytes(Sample));
            }

            var fromPlain = SquadReader.ReadFile(plain);
            var fromGzip = SquadReader.ReadFile(gzip);

            Assert.Equal(fromPlain.Documents, fromGzip.Documents);
            Assert.Equal(fromPlain.Questions.Select(q => (q.Id, q.DocumentId)), fromGzip.Questions.Select(q => (q.Id, q.DocumentId)));
        }
        finally
        {
            File.Delete(plain);
            File.Delete(gzip);
        }
    }

    [Fact]
    public void DocumentIdPrefersTheParagraphsOwnId()
    {
        Assert.Equal("DEV_0", SquadReader.DocumentId("Some title", 3, "DEV_0"));
        Assert.Equal("Some title#3", SquadReader.DocumentId("Some title", 3, null));
        Assert.Equal("Some title#3", SquadReader.DocumentId("Some title", 3, " "));
    }

    [Fact]
    public void UnanswerableQuestionsLanguagesAndUrlsAreRead()
    {
        const string probe = """
            {"data": [
              {"title": "Route 14", "lang": "en", "url": "https://probe.example/route-14", "paragraphs": [
                {"id": "r14", "context": "Route 14 buses will not serve Elm Street.", "qas": [
                  {"id": "r14/q1", "question": "Which street?", "answers": [{"text": "Elm Street", "answer_start": 29}], "is_impossible": false},
                  {"id": "r14/x1", "question": "How much is a fare?", "answers": [], "is_impossible": true}]},
                {"id": "r14-zh", "lang": "zh-Hans", "context": "5号线延长运营。", "qas": []}]}
            ]}
            """;

        var dataset = SquadReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(probe)));

        Assert.Equal([false, true], dataset.Questions.Select(q => q.Impossible));
        Assert.Equal(["en", "zh-Hans"], dataset.Documents.Select(d => d.Lang));
        Assert.All(dataset.Documents, d => Assert.Equal("https://probe.example/route-14", d.Url));
        Assert.All(SquadReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(Sample))).Questions.Take(2), q => Assert.False(q.Impossible));
        Assert.True(SquadReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(Sample))).Questions[2].Impossible);
    }

    [Fact]
    public void FileWithoutDataArrayIsRejectedWithAMessage()
    {
        var e = Assert.Throws<InvalidDataException>(() => SquadReader.Read(new MemoryStream("""{"version":"1"}"""u8.ToArray()), "x.json"));
        Assert.Contains("\"data\"", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => SquadReader.Read(new MemoryStream("not json"u8.ToArray()), "x.json"));
    }

    [Theory]
    [InlineData("squad-v1.1-dev/dev-v1.1-half.json.gz", 1023, 5397)]
    // CMRC trial lists 1,002 questions, two of them with an empty question text, which cannot be asked.
    [InlineData("cmrc2018/cmrc2018_trial.json.gz", 256, 1000)]
    [InlineData("drcd/DRCD_dev.json.gz", 1000, 3524)]
    public void SharedDatasetsHaveTheDocumentedCounts(string relativePath, int paragraphs, int questions)
    {
        var path = Prerequisite.SharedFile(relativePath);

        var dataset = SquadReader.ReadFile(path);

        Assert.Equal(paragraphs, dataset.Documents.Count);
        Assert.Equal(questions, dataset.Questions.Count);
        // Every question's gold paragraph is one of the documents, and ids never collide.
        Assert.Equal(paragraphs, dataset.Documents.Select(d => d.Id).Distinct().Count());
        var ids = dataset.Documents.Select(d => d.Id).ToHashSet();
        Assert.All(dataset.Questions, q => Assert.Contains(q.DocumentId, ids));
    }
}
