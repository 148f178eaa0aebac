using Search.Evaluation;
using Search.Evaluation.Datasets;
using Search.Reading.Neural;
using Search.Text;

namespace Search.ReaderTraining;

/// <summary>What the reader reads and learns from.</summary>
public static class ReaderExamples
{
    /// <summary>How much text around the answer an example holds.</summary>
    public enum Scope
    {
        /// <summary>The sentence that holds the answer (what the answer stage's best sentences give the reader).</summary>
        Sentence,

        /// <summary>The whole paragraph.</summary>
        Paragraph,
    }

    /// <summary>
    /// SQuAD-shaped questions of the given folds (<see cref="AnswerFolds"/>) with the text around the first place their
    /// first findable answer occurs. Questions whose answers do not occur in their paragraph are left out.
    /// </summary>
    public static List<ReaderExample> FromSquad(SquadDataset data, IReadOnlySet<int> folds, Scope scope)
    {
        var examples = new List<ReaderExample>();
        foreach (var (question, paragraph) in Answerable(data, folds))
        {
            var found = question.Answers.Select(a => (Answer: a, At: paragraph.IndexOf(a, StringComparison.Ordinal))).FirstOrDefault(f => f.At >= 0);
            if (found.Answer is null)
            {
                continue;
            }

            var answer = new TextRange(found.At, found.At + found.Answer.Length);
            var around = scope == Scope.Paragraph ? new TextRange(0, paragraph.Length) : Covering(paragraph, answer);
            examples.Add(new ReaderExample(
                question.Id, question.Question, around.Of(paragraph), question.Answers,
                new TextRange(answer.Start - around.Start, answer.End - around.Start)));
        }

        return examples;
    }

    /// <summary>
    /// For each question of <paramref name="examples"/> (sentence scope), up to <paramref name="perQuestion"/> other
    /// sentences of its paragraph that hold none of its gold answers, as examples without an answer: what a reader that
    /// is handed the wrong sentence of a notice should say nothing about. Chosen with <paramref name="seed"/>; only for
    /// questions in <paramref name="languages"/> ("en", "zh"; all when null).
    /// </summary>
    public static List<ReaderExample> Negatives(SquadDataset data, IReadOnlySet<int> folds, int perQuestion, int seed, IReadOnlySet<string>? languages = null)
    {
        var random = new Random(seed);
        var negatives = new List<ReaderExample>();
        foreach (var (question, paragraph) in Answerable(data, folds, languages))
        {
            var others = Sentences(paragraph)
                .Where(t => !question.Answers.Any(a => t.Contains(a, StringComparison.Ordinal)))
                .OrderBy(_ => random.Next()).Take(perQuestion);
            negatives.AddRange(others.Select((text, i) => NoAnswer(question, text, i)));
        }

        return negatives;
    }

    /// <summary>
    /// Every sentence of the paragraph of each question marked impossible (SQuAD 2.0's <c>is_impossible</c>: the document
    /// does not answer it) in the given folds, as examples without an answer: the near misses a notice holds for a
    /// question about a fact it leaves out. Only for questions in <paramref name="languages"/> (all when null).
    /// </summary>
    public static List<ReaderExample> Unanswerable(SquadDataset data, IReadOnlySet<int> folds, IReadOnlySet<string>? languages = null) =>
        [.. WithParagraphs(data, folds, languages, q => q.Impossible)
            .SelectMany(q => Sentences(q.Paragraph).Select((text, i) => NoAnswer(q.Question, text, i)))];

    /// <summary>The questions of the given folds that have an answer, each with its paragraph's text.</summary>
    private static IEnumerable<(SquadQuestion Question, string Paragraph)> Answerable(SquadDataset data, IReadOnlySet<int> folds, IReadOnlySet<string>? languages = null) =>
        WithParagraphs(data, folds, languages, q => !q.Impossible && q.Answers.Count > 0);

    /// <summary>The questions of the given folds and <paramref name="languages"/> ("en", "zh"; all when null) that <paramref name="kind"/> takes, each with its paragraph's text.</summary>
    private static IEnumerable<(SquadQuestion Question, string Paragraph)> WithParagraphs(
        SquadDataset data, IReadOnlySet<int> folds, IReadOnlySet<string>? languages, Func<SquadQuestion, bool> kind)
    {
        var paragraphs = data.Paragraphs.ToDictionary(p => p.Document.Id, p => p.Document.Text, StringComparer.Ordinal);
        return data.Questions
            .Where(q => kind(q) && folds.Contains(AnswerFolds.Of(q))
                && (languages is null || languages.Contains(AnswerMetrics.IsChinese(q.Question, q.Answers) ? "zh" : "en")))
            .Select(q => (q, paragraphs[q.DocumentId]));
    }

    /// <summary>The sentences of <paramref name="paragraph"/> that hold any text.</summary>
    private static IEnumerable<string> Sentences(string paragraph) =>
        SentenceSplitter.Split(paragraph).Select(r => r.Of(paragraph)).Where(t => t.Trim().Length > 0);

    /// <summary>The <paramref name="index"/>th text without an answer read for <paramref name="question"/>.</summary>
    private static ReaderExample NoAnswer(SquadQuestion question, string text, int index) =>
        new($"{question.Id}/none{index}", question.Question, text, [], null);

    /// <summary>The paragraphs of the given folds' articles, each once.</summary>
    public static List<string> Passages(SquadDataset data, IReadOnlySet<int> folds) =>
        [.. data.Paragraphs.Where(p => folds.Contains(AnswerFolds.Of(p))).Select(p => p.Document.Text).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The Chinese characters of <paramref name="texts"/> that <paramref name="pieces"/> lacks, seen at least
    /// <paramref name="minimum"/> times, in ordinal order: the word pieces a reader that reads Chinese adds.
    /// </summary>
    public static List<string> MissingCharacters(WordPieces pieces, IEnumerable<string> texts, int minimum)
    {
        var known = pieces.Vocabulary.ToHashSet(StringComparer.Ordinal);
        return [.. texts.SelectMany(t => t).Where(ChineseScript.IsHan).Select(c => c.ToString())
            .Where(c => !known.Contains(c)).CountBy(c => c, StringComparer.Ordinal)
            .Where(p => p.Value >= minimum).Select(p => p.Key).Order(StringComparer.Ordinal)];
    }

    /// <summary>The sentences of <paramref name="text"/> that the range touches, as one range.</summary>
    public static TextRange Covering(string text, TextRange range)
    {
        var sentences = SentenceSplitter.Split(text).Where(s => s.Start < range.End && s.End > range.Start).ToList();
        return sentences.Count == 0 ? range : new TextRange(Math.Min(sentences[0].Start, range.Start), Math.Max(sentences[^1].End, range.End));
    }
}
