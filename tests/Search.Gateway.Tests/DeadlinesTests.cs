namespace Search.Gateway.Tests;

/// <summary>The one deadline rule of every call the gateway makes, on a clock the test moves.</summary>
public sealed class DeadlinesTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTime Now = Start.UtcDateTime;
    private readonly ManualTime _time = new(Start);

    private Deadlines Deadlines => new(_time);

    [Fact]
    public void WithoutACallerDeadlineTheBudgetDecides()
    {
        Assert.Equal(Now.AddMilliseconds(300), Deadlines.Earliest(null, 300));
    }

    [Fact]
    public void GrpcsNoDeadlineIsNoCallerDeadline()
    {
        Assert.Equal(Now.AddMilliseconds(300), Deadlines.Earliest(DateTime.MaxValue, 300));
    }

    [Fact]
    public void AnEarlierCallerDeadlineWins()
    {
        Assert.Equal(Now.AddMilliseconds(100), Deadlines.Earliest(Now.AddMilliseconds(100), 300));
    }

    [Fact]
    public void ALaterCallerDeadlineIsCutToTheBudget()
    {
        Assert.Equal(Now.AddMilliseconds(300), Deadlines.Earliest(Now.AddSeconds(10), 300));
    }

    [Fact]
    public void ALocalCallerDeadlineIsComparedAndReturnedInUtc()
    {
        var deadline = Deadlines.Earliest(Now.AddMilliseconds(100).ToLocalTime(), 300);

        Assert.Equal(Now.AddMilliseconds(100), deadline);
        Assert.Equal(DateTimeKind.Utc, deadline.Kind);
    }

    [Fact]
    public void TheBudgetCountsFromTheInjectedClock()
    {
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(Now.AddMilliseconds(1_300), Deadlines.Earliest(null, 300));
    }

    [Fact]
    public void TheTokenIsCancelledAtTheDeadlineOnTheInjectedClock()
    {
        var deadlines = Deadlines;
        using var timeout = deadlines.CancelAt(deadlines.Earliest(null, 500), CancellationToken.None);

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(timeout.Token.IsCancellationRequested);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(timeout.Token.IsCancellationRequested);
        Assert.True(timeout.Expired);
    }

    [Fact]
    public void TheTokenFollowsTheCallerAndTellsItWasNotTheDeadline()
    {
        using var caller = new CancellationTokenSource();
        using var timeout = Deadlines.CancelAt(Now.AddSeconds(5), caller.Token);

        caller.Cancel();

        Assert.True(timeout.Token.IsCancellationRequested);
        Assert.False(timeout.Expired);
    }

    [Fact]
    public void ADeadlineAlreadyPastCancelsAtOnce()
    {
        using var timeout = Deadlines.CancelAt(Now.AddMilliseconds(-1), CancellationToken.None);

        Assert.True(timeout.Token.IsCancellationRequested);
        Assert.True(timeout.Expired);
    }
}
