using Lucene.Net.Analysis.TokenAttributes;

namespace Search.Text;

/// <summary>A term produced by <see cref="SearchAnalyzer"/> and where it sits in the source text.</summary>
public readonly record struct Token(string Term, int Start, int End);

/// <summary>Runs <see cref="SearchAnalyzer"/> over a string; safe to call from many threads.</summary>
public static class TextTokenizer
{
    private static readonly SearchAnalyzer Analyzer = new();

    public static IReadOnlyList<Token> Tokenize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var tokens = new List<Token>();
        // The stream must be disposed before the analyzer hands it out again on this thread.
        using var stream = Analyzer.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(new Token(term.ToString(), offset.StartOffset, offset.EndOffset));
        }

        stream.End();
        return tokens;
    }

    /// <summary>The distinct terms of <paramref name="text"/>.</summary>
    public static HashSet<string> Terms(string? text) =>
        Tokenize(text).Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
}
