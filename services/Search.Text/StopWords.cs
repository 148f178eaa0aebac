using Lucene.Net.Analysis.Util;

namespace Search.Text;

public static class StopWords
{
    /// <summary>
    /// Lucene's English stop set plus question words, which say what kind of answer
    /// is wanted but never which passage holds it.
    /// </summary>
    public static CharArraySet English { get; } = Build();

    private static CharArraySet Build()
    {
        var set = new CharArraySet(SearchAnalyzer.Version, 64, ignoreCase: true);
        foreach (var word in Lucene.Net.Analysis.En.EnglishAnalyzer.DefaultStopSet)
        {
            set.Add(word);
        }

        foreach (var word in new[]
        {
            "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
            "did", "does", "do", "is", "was", "were", "are", "has", "have", "had", "many", "much",
        })
        {
            set.Add(word);
        }

        return set;
    }
}
