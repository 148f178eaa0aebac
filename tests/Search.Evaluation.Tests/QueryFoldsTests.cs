namespace Search.Evaluation.Tests;

public sealed class QueryFoldsTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("7", 3)]
    [InlineData("1108", 0)]
    public void NumericIdsFoldByTheirValue(string id, int fold) => Assert.Equal(fold, QueryFolds.Of(id));

    [Fact]
    public void OtherIdsFoldTheSameWayEveryTimeAndSpreadOverEveryFold()
    {
        var ids = Enumerable.Range(0, 400).Select(i => $"q-{i}").ToList();

        var folds = ids.Select(QueryFolds.Of).ToList();

        Assert.Equal(folds, ids.Select(QueryFolds.Of));
        Assert.All(Enumerable.Range(0, QueryFolds.Count), f => Assert.InRange(folds.Count(x => x == f), 60, 140));
    }

    [Fact]
    public void AQuarterOfSciFactLikeIdsIsHeldOut()
    {
        var heldOut = Enumerable.Range(1, 1000).Count(i => QueryFolds.IsHeldOut(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(250, heldOut);
    }
}
