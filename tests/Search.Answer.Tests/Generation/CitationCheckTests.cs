using Search.Answer.Generation;

namespace Search.Answer.Tests.Generation;

public sealed class CitationCheckTests
{
    private static readonly GroundingPassage[] Given =
    [
        new("a#0", "a", "Telephone", "Alexander Graham Bell patented the telephone in 1876."),
        new("b#0", "b", "Patent race", "Bell and Elisha Gray both filed papers on 14 February 1876."),
        new("c#0", "c", "Elisha Gray", "Bell's rival Gray later worked on the harmonic telegraph."),
        new("d#0", "d", "电话", "贝尔于1876年获得电话专利。"),
    ];

    [Theory]
    [InlineData("Bell [1].", new[] { 1 })]
    [InlineData("Bell [2][1] and Gray [2].", new[] { 2, 1 })]
    [InlineData("Bell [1, 3].", new[] { 1, 3 })]
    [InlineData("Bell [ 3 ].", new[] { 3 })]
    public void CitationsAreListedOnceInOrderOfFirstUse(string text, int[] expected)
    {
        var result = CitationCheck.Check(text, Given);

        Assert.True(result.Valid, result.Problem);
        Assert.Equal(expected, result.Citations.Select(c => c.Index));
        Assert.All(result.Citations, c => Assert.Equal(Given[c.Index - 1].PassageId, c.PassageId));
    }

    [Theory]
    [InlineData("Bell [0].", "cites [0]")]
    [InlineData("Bell [1] and [5].", "cites [5]")]
    [InlineData("Bell [1, 9].", "cites [9]")]
    [InlineData("Bell [99999999999999999999].", "cites [99999999999999999999]")]
    [InlineData("Bell patented it.", "cites no passage")]
    [InlineData("Bell [a] patented it.", "cites no passage")]
    [InlineData("  ", "no text")]
    public void AnAnswerWithABadOrNoCitationIsNotValid(string text, string problem)
    {
        var result = CitationCheck.Check(text, Given);

        Assert.False(result.Valid);
        Assert.Empty(result.Citations);
        Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Alexander Graham Bell patented the telephone in 1876 [1].")]
    [InlineData("Bell patented the telephone. [1] Gray filed the same day [2].")] // a mark after the full stop belongs to its sentence
    [InlineData("The telephone was patented by Bell [1], who filed on 14 February 1876 like Elisha Gray [2].")]
    [InlineData("Bell patented it [1]. [2]")]
    [InlineData("贝尔在1876年获得了电话专利[4]。")]
    public void ASentenceItsCitedPassagesSupportIsValid(string text)
    {
        var result = CitationCheck.Check(text, Given);

        Assert.True(result.Valid, result.Problem);
    }

    [Theory]
    [InlineData("Bell patented the telephone in 1877 [1].", "sentence 1 (\"Bell patented the telephone in 1877 [1].\") states \"1877\", which its cited passages [1] do not")]
    [InlineData("Elisha Gray patented the telephone in 1876 [1].", "names \"Gray\", which its cited passages [1] do not")]
    [InlineData("Bell patented the telephone [1]. The harmonic telegraph came later [1].", "only 0 of the 4 key terms of sentence 2")]
    [InlineData("Cheese is made from milk [2].", "only 0 of the 4 key terms of sentence 1")]
    [InlineData("Bell patented the telephone [1]. He was born in Edinburgh.", "sentence 2 (\"He was born in Edinburgh.\") cites no passage")]
    [InlineData("爱迪生在1876年发明了电话[4]。", "only 2 of the 9 key terms of sentence 1")]
    public void ASentenceItsCitedPassagesDoNotSupportIsNotValid(string text, string problem)
    {
        var result = CitationCheck.Check(text, Given);

        Assert.False(result.Valid);
        Assert.Empty(result.Citations);
        Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
    }
}
