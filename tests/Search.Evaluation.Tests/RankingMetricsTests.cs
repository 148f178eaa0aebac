using Search.Evaluation;

namespace Search.Evaluation.Tests;

public sealed class RankingMetricsTests
{
    private static readonly Dictionary<string, int> Judged = new() { ["a"] = 2, ["b"] = 1, ["z"] = 0 };

    [Fact]
    public void NdcgUsesGradedGainAndALog2Discount()
    {
        // DCG = 1/log2(3) (b at rank 2) + 2/log2(4) (a at rank 3); ideal = 2/log2(2) + 1/log2(3).
        var expected = (1 / Math.Log2(3) + 2 / Math.Log2(4)) / (2 + 1 / Math.Log2(3));

        Assert.Equal(expected, RankingMetrics.NdcgAt(["x", "b", "a"], Judged, 10), 9);
        Assert.Equal(1.0, RankingMetrics.NdcgAt(["a", "b", "x"], Judged, 10), 9);
        Assert.Equal(0.0, RankingMetrics.NdcgAt(["x", "z"], Judged, 10));
    }

    [Fact]
    public void NdcgIgnoresDocumentsBelowTheCutOff()
    {
        Assert.Equal(0.0, RankingMetrics.NdcgAt(["x", "y", "a"], Judged, 2));
    }

    [Fact]
    public void RecallCountsOnlyGradesAboveZero()
    {
        Assert.Equal(0.5, RankingMetrics.RecallAt(["z", "a", "x"], Judged, 100));
        Assert.Equal(0.0, RankingMetrics.RecallAt(["a"], new Dictionary<string, int> { ["q"] = 0 }, 100));
    }

    [Fact]
    public void ReciprocalRankIsOfTheFirstRelevantWithinTheCutOff()
    {
        Assert.Equal(1.0 / 3, RankingMetrics.ReciprocalRankAt(["z", "x", "b", "a"], Judged, 10), 9);
        Assert.Equal(0.0, RankingMetrics.ReciprocalRankAt(["z", "x", "b"], Judged, 2));
    }

    [Fact]
    public void DocumentsAreRankedByTheirBestPassage()
    {
        Assert.Equal(["d1", "d2", "d3"], RankingMetrics.DocumentsByBestPassage(["d1", "d2", "d1", "d3", "d2"]));
    }
}
