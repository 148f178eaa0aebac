using Search.Answer.Generation;

namespace Search.Answer.Tests.Generation;

public sealed class CitationCheckTests
{
    private static readonly GroundingPassage[] Given =
    [
        new("a#0", "a", "A", "first"),
        new("b#0", "b", "B", "second"),
        new("c#0", "c", "C", "third"),
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
    [InlineData("Bell [1] and [4].", "cites [4]")]
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
}
