using System.IO.Compression;
using System.Text.Json;

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
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var json = JsonDocument.Parse(gzip);

        var articles = json.RootElement.GetProperty("data").EnumerateArray()
            .Select(a => a.GetProperty("paragraphs").EnumerateArray().ToList())
            .ToList();
        var flat = articles.SelectMany((paragraphs, a) => paragraphs.Select((p, i) => (Article: a, Index: i, Paragraph: p))).ToList();

        var cases = new List<ReadingCase>();
        var seen = 0;
        for (var f = 0; f < flat.Count; f++)
        {
            var (article, index, paragraph) = flat[f];
            if (heldOutOnly && article % 4 != 3)
            {
                // Articles 0-2 (mod 4) trained the answer model (search-cli train answer).
                continue;
            }

            var context = paragraph.GetProperty("context").GetString() ?? "";
            foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
            {
                if (seen++ % stride != offset)
                {
                    continue;
                }

                var golds = qa.GetProperty("answers").EnumerateArray()
                    .Select(a => a.GetProperty("text").GetString() ?? "")
                    .Where(t => t.Length > 0)
                    .Distinct()
                    .ToList();
                var passages = new List<string> { context };
                passages.AddRange(Distractors(articles, flat, article, index, f, distractors));
                cases.Add(new ReadingCase(qa.GetProperty("question").GetString() ?? "", golds, passages));
            }
        }

        return cases;
    }

    private static IEnumerable<string> Distractors(
        List<List<JsonElement>> articles, List<(int Article, int Index, JsonElement Paragraph)> flat, int article, int index, int f, int count)
    {
        var own = articles[article];
        var taken = 0;
        for (var k = 1; k < own.Count && taken < count; k++, taken++)
        {
            yield return own[(index + k) % own.Count].GetProperty("context").GetString() ?? "";
        }

        for (var k = 1; taken < count && k < flat.Count; k++)
        {
            var other = flat[(f + k) % flat.Count];
            if (other.Article != article)
            {
                taken++;
                yield return other.Paragraph.GetProperty("context").GetString() ?? "";
            }
        }
    }
}
