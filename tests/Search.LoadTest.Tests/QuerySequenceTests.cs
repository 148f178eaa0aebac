using Search.LoadTest.Queries;

namespace Search.LoadTest.Tests;

public sealed class QuerySequenceTests
{
    [Theory]
    [InlineData(0.3, 11)]
    [InlineData(0.3, 12)]
    [InlineData(0.7, 13)]
    public void TheRepeatShareIsTheShareOfRequestsThatReAskAnEarlierQuery(double share, int seed)
    {
        var queries = Enumerable.Range(0, 100_000).Select(i => $"query {i}").ToList();
        var sequence = new QuerySequence(queries, share, seed);
        var asked = new HashSet<string>(StringComparer.Ordinal);
        var repeats = 0;
        const int requests = 20_000;

        for (var i = 0; i < requests; i++)
        {
            var next = sequence.Next();
            // A repeat is a query already sent; a new one never is (the file is far from used up).
            Assert.Equal(next.IsRepeat, asked.Contains(next.Text));
            asked.Add(next.Text);
            repeats += next.IsRepeat ? 1 : 0;
        }

        // Binomial: the standard deviation of the share is under 0.004 here, so 0.02 is five of them.
        Assert.InRange((double)repeats / requests, share - 0.02, share + 0.02);
    }

    [Fact]
    public void RepeatsFavourQueriesAlreadyAskedOften()
    {
        var queries = Enumerable.Range(0, 10_000).Select(i => $"query {i}").ToList();
        var sequence = new QuerySequence(queries, 0.5, seed: 5);

        var counts = Enumerable.Range(0, 5_000).Select(_ => sequence.Next().Text).CountBy(q => q).Select(c => c.Value).ToList();

        // Drawing from the log of requests, not from the distinct queries, makes some queries hot.
        Assert.True(counts.Max() >= 10, $"the most asked query was asked {counts.Max()} times");
    }

    [Fact]
    public void WithoutRepeatsTheFileIsAskedInOrderAndStartedOver()
    {
        var sequence = new QuerySequence(["a", "b", "c"], 0, seed: 1);

        var asked = Enumerable.Range(0, 7).Select(_ => sequence.Next()).ToList();

        Assert.Equal(["a", "b", "c", "a", "b", "c", "a"], asked.Select(q => q.Text));
        Assert.All(asked, q => Assert.False(q.IsRepeat));
    }

    [Fact]
    public void TheSameSeedGivesTheSameSequence()
    {
        var queries = Enumerable.Range(0, 50).Select(i => $"q{i}").ToList();
        var first = new QuerySequence(queries, 0.4, seed: 99);
        var second = new QuerySequence(queries, 0.4, seed: 99);
        var other = new QuerySequence(queries, 0.4, seed: 100);

        var a = Enumerable.Range(0, 200).Select(_ => first.Next()).ToList();
        var b = Enumerable.Range(0, 200).Select(_ => second.Next()).ToList();
        var c = Enumerable.Range(0, 200).Select(_ => other.Next()).ToList();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void TheFirstRequestIsNeverARepeat()
    {
        var next = new QuerySequence(["only"], 1, seed: 3).Next();

        Assert.False(next.IsRepeat);
    }
}
