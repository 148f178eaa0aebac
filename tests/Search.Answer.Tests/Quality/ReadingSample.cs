using Search.Evaluation;
using Search.Evaluation.Datasets;

namespace Search.Answer.Tests.Quality;

/// <summary>One question with its gold answers and the passages handed to the answerer, gold first.</summary>
internal sealed record ReadingCase(string Question, IReadOnlyList<string> Golds, IReadOnlyList<string> Passages);

/// <summary>
/// Builds reading cases from a SQuAD-format file: the gold paragraph as passage 1 and the next
/// paragraphs of the same article as distractors, a stand-in for retrieval. CMRC has one paragraph
/// per article, so its distractors come from the following articles in file order.
/// </summary>
internal static class ReadingSample
{
    /// <summary>
    /// Every <paramref name="stride"/>-th question of the file from <paramref name="offset"/>, with
    /// <paramref name="distractors"/> distractor paragraphs; with <paramref name="heldOutOnly"/> only the
    /// articles the answer model was not trained on (index mod 4 = 3).
    /// </summary>
    public static List<ReadingCase> Load(string path, int stride, int offset = 0, int distractors = 4, bool heldOutOnly = false)
    {
        var dataset = SquadReader.ReadFile(path);
        var paragraphs = dataset.Paragraphs;
        var articles = paragraphs.GroupBy(p => p.Article).Select(g => g.ToList()).ToList();
        var positions = paragraphs.Select((p, i) => (p.Document.Id, i)).ToDictionary(x => x.Id, x => x.i);

        var cases = new List<ReadingCase>();
        var seen = 0;
        foreach (var question in dataset.Questions)
        {
            var f = positions[question.DocumentId];
            var paragraph = paragraphs[f];
            if (heldOutOnly && AnswerFolds.Of(question) != AnswerFolds.HeldOut)
            {
                // The other folds trained the answer model (search-cli train answer).
                continue;
            }

            if (seen++ % stride != offset)
            {
                continue;
            }

            var golds = question.Answers.Where(t => t.Length > 0).Distinct().ToList();
            var passages = new List<string> { paragraph.Document.Text };
            passages.AddRange(Distractors(articles[paragraph.Article], paragraphs, paragraph, f, distractors));
            cases.Add(new ReadingCase(question.Question, golds, passages));
        }

        return cases;
    }

    private static IEnumerable<string> Distractors(List<SquadParagraph> own, IReadOnlyList<SquadParagraph> flat, SquadParagraph paragraph, int f, int count)
    {
        var taken = 0;
        for (var k = 1; k < own.Count && taken < count; k++, taken++)
        {
            yield return own[(paragraph.Ordinal + k) % own.Count].Document.Text;
        }

        for (var k = 1; taken < count && k < flat.Count; k++)
        {
            var other = flat[(f + k) % flat.Count];
            if (other.Article != paragraph.Article)
            {
                taken++;
                yield return other.Document.Text;
            }
        }
    }
}
