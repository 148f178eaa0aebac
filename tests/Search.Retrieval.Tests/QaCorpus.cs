using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.Retrieval.Indexing;
using Search.Retrieval.Searching;
using Search.TestKit;

namespace Search.Retrieval.Tests;

/// <summary>A SQuAD-format file read as a retrieval test: every paragraph a document, every question a query.</summary>
public sealed record QaCorpus(IReadOnlyList<IngestDocument> Documents, IReadOnlyList<QaQuestion> Questions)
{
    /// <summary>Loads <paramref name="relativePath"/> under the data folder, or skips the test with the reason.</summary>
    public static QaCorpus LoadOrSkip(string relativePath, string lang, int questionLimit)
    {
        return Load(Prerequisite.SharedFile(relativePath), lang, questionLimit);
    }

    public static QaCorpus Load(string path, string lang, int questionLimit)
    {
        var dataset = SquadReader.ReadFile(path);
        var documents = dataset.Documents.Select(d => new IngestDocument(d.Id, d.Text, d.Title, Lang: lang)).ToList();
        var questions = dataset.Questions.Take(questionLimit).Select(q => new QaQuestion(q.Question, q.DocumentId)).ToList();
        return new QaCorpus(documents, questions);
    }
}

public sealed record QaQuestion(string Question, string DocumentId);

/// <summary>Share of questions whose own paragraph is the first document, and among the first five.</summary>
public sealed record RetrievalQuality(double Top1, double Top5)
{
    // Passages are deduplicated into documents, so enough passages are fetched to fill five documents.
    private const int PassagesFetched = 30;

    public static RetrievalQuality Measure(PassageIndex index, IReadOnlyList<QaQuestion> questions)
    {
        int top1 = 0, top5 = 0;
        foreach (var question in questions)
        {
            var documents = index.Search(question.Question, topK: PassagesFetched, detail: HitDetail.IdsOnly, similarity: false).Hits
                .Select(h => h.Passage.DocumentId)
                .Distinct()
                .Take(5)
                .ToList();
            var rank = documents.IndexOf(question.DocumentId);
            top1 += rank == 0 ? 1 : 0;
            top5 += rank >= 0 ? 1 : 0;
        }

        return new RetrievalQuality((double)top1 / questions.Count, (double)top5 / questions.Count);
    }

    public override string ToString() => $"top1={Top1:F3} top5={Top5:F3}";
}
