using Search.Retrieval.Passages;
using Search.Text;

namespace Search.Retrieval.Tests;

public class PassageSplitterTests
{
    private readonly PassageSplitter _splitter = new(passageWords: 100, passageCjkChars: 200);

    [Fact]
    public void ShortDocumentIsOnePassageWithoutSurroundingWhitespace()
    {
        var text = "  Water boils at 100 degrees. It freezes at zero.\n";
        var passages = _splitter.Split(text);
        var passage = Assert.Single(passages);
        Assert.Equal("Water boils at 100 degrees. It freezes at zero.", passage.Of(text));
    }

    [Fact]
    public void PassagesRoundTripTheirOffsetsAndCoverEveryWord()
    {
        var text = string.Join(" ", Enumerable.Range(0, 60).Select(i =>
            $"Sentence {i} talks about topic {i % 7} with several plain words in it."));
        var passages = _splitter.Split(text);

        Assert.True(passages.Count > 1);
        AssertCoversText(text, passages);
        foreach (var passage in passages)
        {
            // Sentence-aware: every passage ends where a sentence ends.
            Assert.EndsWith(".", passage.Of(text), StringComparison.Ordinal);
            Assert.InRange(Words(passage.Of(text)), 1, 100);
        }
    }

    [Theory]
    [InlineData("!")]
    [InlineData("! ")]
    [InlineData("\U0001F600")]
    public void TextWithoutWordsIsCutByLength(string symbol)
    {
        // 200,000 symbols cost no words: only the character bound keeps them from being one passage.
        var text = string.Concat(Enumerable.Repeat(symbol, 200_000));
        var passages = new PassageSplitter(passageWords: 200, passageCjkChars: 200, maxChars: 3_000).Split(text);

        Assert.True(passages.Count >= text.Trim().Length / 3_000, $"{passages.Count} passages");
        Assert.All(passages, p => Assert.InRange(p.End - p.Start, 1, 3_000));
        AssertCoversText(text, passages);
    }

    [Fact]
    public void OverlongSentenceIsCutAtWordBoundaries()
    {
        var text = string.Join(" ", Enumerable.Range(0, 350).Select(i => $"word{i}")) + ".";
        var passages = _splitter.Split(text);

        Assert.Equal(4, passages.Count);
        AssertCoversText(text, passages);
        foreach (var passage in passages)
        {
            Assert.InRange(Words(passage.Of(text)), 1, 100);
            Assert.True(passage.Start == 0 || char.IsWhiteSpace(text[passage.Start - 1]));
            Assert.True(passage.End == text.Length || char.IsWhiteSpace(text[passage.End]));
        }
    }

    [Fact]
    public void WordWithoutSpacesLongerThanAPassageIsStillCut()
    {
        var text = new string('x', 20_000);
        var passages = _splitter.Split(text);

        Assert.True(passages.Count > 1);
        AssertCoversText(text, passages);
    }

    [Fact]
    public void ChinesePassagesHoldAboutTwoHundredCharactersAndEndAtSentences()
    {
        var sentence = "北京是中华人民共和国的首都，也是全国的政治和文化中心之一。";
        var text = string.Concat(Enumerable.Repeat(sentence, 30));
        var passages = _splitter.Split(text);

        Assert.True(passages.Count > 3);
        AssertCoversText(text, passages);
        foreach (var passage in passages)
        {
            var han = passage.Of(text).Count(ChineseScript.IsHan);
            Assert.InRange(han, 1, 200);
            Assert.EndsWith("。", passage.Of(text), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void LongChineseSentenceIsCutBetweenCharacters()
    {
        var text = string.Concat(Enumerable.Repeat("长江是亚洲第一长河", 100));
        var passages = _splitter.Split(text);

        Assert.Equal(5, passages.Count);
        AssertCoversText(text, passages);
        Assert.All(passages, p => Assert.InRange(p.Length, 1, 200));
    }

    private static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>Passages are in order, do not overlap, and only whitespace lies outside them.</summary>
    private static void AssertCoversText(string text, IReadOnlyList<TextRange> passages)
    {
        var previousEnd = 0;
        foreach (var passage in passages)
        {
            Assert.True(passage.Start >= previousEnd, "passages overlap or are out of order");
            Assert.True(passage.End > passage.Start, "empty passage");
            Assert.True(string.IsNullOrWhiteSpace(text[previousEnd..passage.Start]), "text lost between passages");
            previousEnd = passage.End;
        }

        Assert.True(string.IsNullOrWhiteSpace(text[previousEnd..]), "text lost after the last passage");
    }
}
