using Search.Cli.Training;
using Search.Ranking;

namespace Search.Cli.Tests;

public sealed class RerankFitterTests
{
    [Fact]
    public void TheFitterLearnsToWeighSimilarityWhenItSeparatesRelevantPassages()
    {
        // Relevant candidates have the higher similarity and no better BM25: only similarity tells them apart.
        var random = new Random(7);
        var queries = Enumerable.Range(0, 50).Select(_ =>
        {
            var features = Enumerable.Range(0, 10).Select(i => new RankingFeatures(
                random.NextDouble(), random.NextDouble(), random.NextDouble(), 0, 1, (i == 0 ? 0.6 : 0.2) + random.NextDouble() * 0.1)).ToArray();
            return new FitQuery(features, features.Select((_, i) => i == 0).ToArray());
        }).ToList();

        var model = RerankFitter.Fit(queries);
        var withoutSimilarity = RerankFitter.Fit(queries, useSimilarity: false);

        Assert.True(model.Weights[5] > 1, $"similarity weight {model.Weights[5]}");
        Assert.Equal(0, withoutSimilarity.Weights[5]);
        Assert.All(queries, q => Assert.Equal(0, Array.IndexOf(q.Features.Select(model.Score).ToArray(), q.Features.Max(model.Score))));
        Assert.Equal(50 * 9, RerankFitter.PairCount(queries));
    }
}
