using Search.Text;

namespace Search.Text.Tests;

public class TextTokenizerTests
{
    [Fact]
    public void EnglishIsLowerCasedStemmedAndStopped()
    {
        var terms = TextTokenizer.Tokenize("The Running Dogs of Paris").Select(t => t.Term).ToArray();
        Assert.Equal(["run", "dog", "pari"], terms);
    }

    [Fact]
    public void ChineseBecomesBigramsWithOffsets()
    {
        var tokens = TextTokenizer.Tokenize("北京大学");
        Assert.Equal(["北京", "京大", "大学"], tokens.Select(t => t.Term));
        Assert.Equal(0, tokens[0].Start);
        Assert.Equal(4, tokens[^1].End);
    }

    [Fact]
    public void TraditionalAndSimplifiedTokenizeAlike()
    {
        Assert.Equal(
            TextTokenizer.Tokenize("这个国家").Select(t => t.Term),
            TextTokenizer.Tokenize("這個國家").Select(t => t.Term));
    }
}

public class PassageTokenCacheTests
{
    [Fact]
    public void APassageIsAnalysedOnceAndGivesTheSameTokensAsTokenize()
    {
        // A text no other test uses, so the first call is the one that analyses it.
        var text = $"The lighthouse keeper of Wibbleton rang the bell {Guid.NewGuid():N} times; 灯塔看守人敲了钟。";

        var first = TextTokenizer.TokenizePassage(text);
        var second = TextTokenizer.TokenizePassage(new string(text.AsSpan())); // equal text, another string

        Assert.Equal(TextTokenizer.Tokenize(text), first);
        Assert.Same(first, second);
        Assert.Empty(TextTokenizer.TokenizePassage(""));
        Assert.Empty(TextTokenizer.TokenizePassage(null));
    }
}
