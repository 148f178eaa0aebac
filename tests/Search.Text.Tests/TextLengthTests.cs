using Search.Text;

namespace Search.Text.Tests;

public class TextLengthTests
{
    private const string Astral = "\U0001D11E"; // 𝄞, two UTF-16 units
    private const string Combined = "e\u0301";   // é as a letter and its combining accent
    private const string Family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"; // one emoji sequence, 8 units

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData(Astral + Astral, 2)]
    [InlineData(Combined + Combined + Combined, 3)]
    [InlineData(Family, 1)]
    [InlineData("珠穆朗玛峰", 5)]
    public void CharactersAreTextElements(string text, int expected)
    {
        Assert.Equal(expected, TextLength.Characters(text));
    }

    [Theory]
    [InlineData(Astral)]
    [InlineData(Combined)]
    [InlineData(Family)]
    [InlineData("a")]
    public void ATextAtTheLimitPassesAndOneCharacterMoreDoesNot(string character)
    {
        var atLimit = string.Concat(Enumerable.Repeat(character, 1000));

        Assert.False(TextLength.Exceeds(atLimit, 1000));
        Assert.True(TextLength.Exceeds(atLimit + character, 1000));
        Assert.Equal("query has 1001 characters; at most 1000 are accepted", TextLength.TooLong("query", atLimit + character, 1000));
    }

    [Fact]
    public void ALetterWithEndlessCombiningMarksIsTooLongByItsUnits()
    {
        // One text element of 20,001 units: counted as one character it would pass any limit.
        var zalgo = "a" + new string('\u0301', 20_000);

        Assert.Equal(1, TextLength.Characters(zalgo));
        Assert.True(TextLength.Exceeds(zalgo, 1000));
        Assert.StartsWith("query has 20001 UTF-16 units", TextLength.TooLong("query", zalgo, 1000), StringComparison.Ordinal);
    }
}
