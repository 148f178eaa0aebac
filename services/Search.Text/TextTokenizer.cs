using Lucene.Net.Analysis.TokenAttributes;
using Microsoft.Extensions.Caching.Memory;

namespace Search.Text;

/// <summary>A term produced by <see cref="SearchAnalyzer"/> and where it sits in the source text.</summary>
public readonly record struct Token(string Term, int Start, int End);

/// <summary>Runs <see cref="SearchAnalyzer"/> over a string; safe to call from many threads.</summary>
public static class TextTokenizer
{
    /// <summary>Tokens the passage cache holds at most (about 25 MB; a 200-word passage is about 200 tokens).</summary>
    public const int PassageCacheTokens = 500_000;

    private static readonly SearchAnalyzer Analyzer = new();

    // Rerank and answer analyse the same passages for query after query (a popular passage is a candidate of many
    // searches). The least recently used go first when the cache is full.
    private static readonly MemoryCache Passages = new(new MemoryCacheOptions { SizeLimit = PassageCacheTokens, CompactionPercentage = 0.25 });

    /// <summary>
    /// <see cref="Tokenize"/> for a passage's text, remembered by the text itself: the same passage is analysed once
    /// per process while it stays among the recently used (<see cref="PassageCacheTokens"/>).
    /// </summary>
    public static IReadOnlyList<Token> TokenizePassage(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        if (Passages.TryGetValue(text, out IReadOnlyList<Token>? cached) && cached is not null)
        {
            return cached;
        }

        var tokens = Tokenize(text);
        Passages.Set(text, tokens, new MemoryCacheEntryOptions { Size = Math.Max(1, tokens.Count) });
        return tokens;
    }

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
