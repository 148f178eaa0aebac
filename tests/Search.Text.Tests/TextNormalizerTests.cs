using Search.Text;

namespace Search.Text.Tests;

public class TextNormalizerTests
{
    [Theory]
    [InlineData("ＡＢＣ　１２３", "ABC 123")]
    [InlineData("tele\u00ADphone", "telephone")]
    [InlineData("who\u200Bwrote", "who wrote")]
    [InlineData("  a\t\n\u0007b  ", "a b")]
    [InlineData("ham\u202Elet", "hamlet")]
    public void NormalizeAppliesNfkcAndCleansInvisibleCharacters(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    /// <summary>Texts that need work and texts that do not, in the three scripts and with hostile characters.</summary>
    public static TheoryData<string> Samples => new()
    {
        "who wrote hamlet?",
        "Who wrote Hamlet",
        " leading space",
        "trailing space ",
        "two  spaces",
        "tab\tinside",
        "line\nbreak",
        "nul\0inside",
        "del\u007Finside",
        "soft\u00ADhyphen",
        "zero\u200Bwidth",
        "bidi\u202Eoverride",
        "no-break\u00A0space",
        "ideographic\u3000space",
        "珠穆朗玛峰有多高?",
        "珠穆朗玛峰有多高？",
        "臺北101有幾層樓",
        "ｆｕｌｌ ｗｉｄｔｈ",
        "ﬁ ligature",
        "e\u0301 combining",
        "é composed",
        "lone \uD800 surrogate",
        "pair \uD83D\uDE00 emoji",
        "𠀀 extension b",
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void IsNormalizedSaysWhetherNormalizeWouldChangeTheText(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        Assert.Equal(normalized == text, TextNormalizer.IsNormalized(text));
        Assert.True(TextNormalizer.IsNormalized(normalized), $"'{normalized}' is the normal form and must say so");
        Assert.Equal(normalized, TextNormalizer.Normalize(normalized));
    }

    [Fact]
    public void IsNormalizedAgreesWithNormalizeOnRandomMixedText()
    {
        // Characters of each kind Normalize treats differently, strung together at random.
        string[] pieces = ["a", "Z", "?", " ", "  ", "\t", "\n", "\0", "\u00A0", "\u00AD", "\u200B", "\u202E", "\u3000",
            "中", "國", "？", "ｆ", "ﬁ", "e\u0301", "é", "\uD83D\uDE00", "\uD800", "\uDC00"];
        var random = new Random(11);
        for (var n = 0; n < 5000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => pieces[random.Next(pieces.Length)]));
            var normalized = TextNormalizer.Normalize(text);
            Assert.True(normalized == text == TextNormalizer.IsNormalized(text), $"disagree on '{text}'");
            Assert.True(TextNormalizer.IsNormalized(normalized), $"'{normalized}' is the normal form and must say so");
        }
    }

    [Fact]
    public void NormalisedTextIsReturnedAsItIsWithoutACopy()
    {
        // Every stage re-checks the query the gateway carries from the router; a normalised one costs no new string.
        var query = TextNormalizer.Normalize("  When was  the\tbridge built？ ");
        Assert.Equal("When was the bridge built?", query);
        Assert.Same(query, TextNormalizer.Normalize(query));
    }
}
