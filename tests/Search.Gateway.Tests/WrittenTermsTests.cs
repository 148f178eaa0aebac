using Search.Gateway.Caching;

namespace Search.Gateway.Tests;

/// <summary>The terms a write sends, by which the cache finds the answers it may change.</summary>
public sealed class WrittenTermsTests
{
    [Fact]
    public void TermsAreTheIndexsAnalysedTermsOfTitleAndText()
    {
        var written = new WrittenTerms();
        written.Add("Opening hours", "The library opens at 9:00. 圖書館週日休館");

        // Stemmed, stop words gone, Traditional folded to Simplified bigrams: what a query's terms are compared with.
        Assert.Contains("open", written.Terms);
        Assert.Contains("hour", written.Terms);
        Assert.Contains("librari", written.Terms);
        Assert.Contains("图书", written.Terms);
        Assert.DoesNotContain("the", written.Terms);
        Assert.False(written.Overflowed);
    }

    [Fact]
    public void AWriteOfMoreThanTheLimitOverflowsAndKeepsNoTerms()
    {
        var written = new WrittenTerms();
        written.Add(null, string.Join(' ', Enumerable.Range(0, WrittenTerms.Limit).Select(i => $"w{i}")));
        Assert.False(written.Overflowed);

        written.Add("one more", "");

        Assert.True(written.Overflowed);
        Assert.Empty(written.Terms);
        written.Add("later", "documents add nothing");
        Assert.Empty(written.Terms);
    }
}
