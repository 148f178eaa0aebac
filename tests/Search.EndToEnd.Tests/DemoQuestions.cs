namespace Search.EndToEnd.Tests;

/// <summary>tools/demo/questions.tsv: question, a substring the answer must contain, the document that holds it.</summary>
public sealed record DemoQuestion(string Question, string Expected, string DocumentId)
{
    public static IReadOnlyList<DemoQuestion> All { get; } = File.ReadAllLines(Path.Combine(RepoLayout.Root, "tools", "demo", "questions.tsv"))
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split('\t'))
        .Select(f => new DemoQuestion(f[0], f[1], f[2]))
        .ToList();

    public bool IsChinese => Question.Any(c => c >= '\u4E00' && c <= '\u9FFF');
}
