using Search.Reading.Neural;
using Search.ReaderTraining;

namespace Search.ReaderTraining.Tests;

public sealed class WordPiecesTests
{
    private static readonly WordPieces Pieces = MiniLmWeights.ReadVocabulary();

    private static List<(string Piece, string Source)> Split(string text) =>
        Pieces.Split(text).Select(p => (Pieces.Vocabulary[p.Id], text[p.Start..p.End])).ToList();

    [Fact]
    public void WordsArePiecesOfTheVocabularyAndEachPointsAtItsOwnText()
    {
        Assert.Equal(
            [("the", "The"), ("ferry", "ferry"), ("costs", "costs"), ("4", "4"), (".", "."), ("50", "50"), ("euros", "euros"), ("!", "!")],
            Split("The ferry costs 4.50 euros!"));
    }

    [Fact]
    public void ALongWordIsSplitIntoPiecesThatCoverItInOrder()
    {
        var split = Split("Zolvarin");
        Assert.True(split.Count > 1);
        Assert.Equal("zolvarin", string.Concat(split.Select(s => s.Piece.TrimStart('#'))));
        Assert.Equal("Zolvarin", string.Concat(split.Select(s => s.Source)));
        Assert.All(split.Skip(1), s => Assert.StartsWith("##", s.Piece, StringComparison.Ordinal));
    }

    [Fact]
    public void AccentsAndCaseGoButTheOffsetsStayOnTheOriginalText()
    {
        Assert.Equal([("cafe", "Café"), ("in", "in"), ("zurich", "Zürich")], Split("Café in Zürich"));
    }

    [Fact]
    public void HanCharactersAreWordsOfTheirOwnAndMissingOnesAreUnknown()
    {
        var split = Split("的国灯");
        Assert.Equal(["的", "国", "[UNK]"], split.Select(s => s.Piece));
        Assert.Equal(["的", "国", "灯"], split.Select(s => s.Source));
    }

    [Fact]
    public void ControlCharactersAreDroppedAndDoNotSplitAWord()
    {
        Assert.Equal([("hello", "hel\u0007lo")], Split("hel\u0007lo"));
        Assert.Empty(Split("\u0000\u0001 \t"));
    }
}
