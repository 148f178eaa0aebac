using System.Text.Json;
using Search.Evaluation;
using Search.Evaluation.Datasets;

namespace Search.Evaluation.Tests;

/// <summary>The team's probe set (tools/probe/probe.json) is what its README says it is.</summary>
public sealed class ProbeSetTests
{
    private static readonly string Path = ProbeSet.File ?? throw new InvalidOperationException("tools/probe/probe.json is missing");

    [Fact]
    public void ItHasTheDocumentedSizeInEachLanguage()
    {
        var dataset = SquadReader.ReadFile(Path);
        var languageOf = dataset.Documents.ToDictionary(d => d.Id, d => d.Lang);

        Assert.Equal(24, dataset.Documents.Count);
        Assert.Equal(24, dataset.Documents.Select(d => d.Id).Distinct().Count());
        foreach (var language in new[] { "en", "zh-Hans", "zh-Hant" })
        {
            Assert.Equal(8, dataset.Documents.Count(d => d.Lang == language));
            Assert.InRange(dataset.Questions.Count(q => languageOf[q.DocumentId] == language && !q.Impossible), 30, 32);
            Assert.InRange(dataset.Questions.Count(q => languageOf[q.DocumentId] == language && q.Impossible), 8, 12);
        }

        Assert.Equal(95, dataset.Questions.Count(q => !q.Impossible));
        Assert.Equal(29, dataset.Questions.Count(q => q.Impossible));
    }

    /// <summary>The probe set and the team's later sets of notices beside it (own-a.json … own-l.json).</summary>
    public static TheoryData<string> Sets() =>
        new(Directory.GetFiles(System.IO.Path.GetDirectoryName(Path)!, "*.json").Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Fact]
    public void TheSetsBesideItAreAllThere() =>
        Assert.Equal(["own-a.json", "own-b.json", "own-c.json", "own-d.json", "own-e.json", "own-f.json", "own-g.json", "own-h.json", "own-i.json", "own-j.json", "own-k.json", "own-l.json", "probe.json"], Sets().Select(row => row.Data));

    [Theory]
    [MemberData(nameof(Sets))]
    public void EveryGoldAnswerIsInItsDocumentWhereItSaysAndUnanswerableOnesHaveNone(string set)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, set)));
        foreach (var article in json.RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray())
            {
                var context = paragraph.GetProperty("context").GetString()!;
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
                {
                    var answers = qa.GetProperty("answers").EnumerateArray().ToList();
                    Assert.Equal(qa.GetProperty("is_impossible").GetBoolean(), answers.Count == 0);
                    foreach (var answer in answers)
                    {
                        var text = answer.GetProperty("text").GetString()!;
                        var start = answer.GetProperty("answer_start").GetInt32();
                        Assert.Equal(text, context.Substring(start, text.Length));
                    }
                }
            }
        }
    }

    [Fact]
    public void TheHeldOutFlagsAreTheOddDocumentsAndEachHalfHoldsEveryLanguage()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path));
        var articles = json.RootElement.GetProperty("data").EnumerateArray().ToList();
        for (var i = 0; i < articles.Count; i++)
        {
            Assert.Equal(ProbeSet.IsHeldOut(i), articles[i].GetProperty("held_out").GetBoolean());
        }

        var dataset = SquadReader.ReadFile(Path);
        var languageOf = dataset.Documents.ToDictionary(d => d.Id, d => d.Lang);
        foreach (var half in new[] { ProbeSet.Fit, ProbeSet.HeldOut })
        {
            var questions = dataset.Questions.Where(q => ProbeSet.Contains(half, q)).ToList();
            Assert.Equal(["en", "zh-Hans", "zh-Hant"], questions.Select(q => languageOf[q.DocumentId]).Distinct().Order(StringComparer.Ordinal));
            Assert.Contains(questions, q => q.Impossible);
        }

        Assert.Equal(dataset.Questions.Count, dataset.Questions.Count(q => ProbeSet.Contains(ProbeSet.Fit, q)) + dataset.Questions.Count(q => ProbeSet.Contains(ProbeSet.HeldOut, q)));
    }
}
