using Search.Ranking;

namespace Search.Rerank.Tests;

public class FusedRerankTests
{
    [Fact]
    public void TheFusedModelRanksASemanticMatchAboveALexicalOnlyDistractor()
    {
        // Weights with the signs a fit gives when similarity tells relevant passages apart (RerankFitterTests in the CLI tests).
        var model = new RerankModel([1.0, 1.0, 0.5, 0.3, 0.1, 4.0, 2.0]);
        var reranker = new PassageReranker(new RerankOptions { WeightsFile = "" }, model);
        RerankCandidate[] candidates =
        [
            new("The penicillin discovery museum sells penicillin discovery souvenirs.", "Museum", 0, 9.0, Similarity: 0.35),
            new("Alexander Fleming found that a mould killed bacteria in 1928.", "Fleming", 0, 4.0, Similarity: 0.72),
        ];

        Assert.True(reranker.TryRerank("penicillin discovery", candidates, 0, out var ranked, out _));

        Assert.Equal([1, 0], ranked.Select(r => r.Index));
        // Without similarity the same candidates keep the lexical order.
        Assert.True(reranker.TryRerank("penicillin discovery", candidates.Select(c => c with { Similarity = null }).ToArray(), 0, out var lexical, out _));
        Assert.Equal([0, 1], lexical.Select(r => r.Index));
    }

    [Fact]
    public void OneCandidateWithoutSimilarityMakesTheWholeListLexical()
    {
        var model = new RerankModel([0, 0, 0, 0, 0, 10, 0]);
        var reranker = new PassageReranker(new RerankOptions { WeightsFile = "" }, model);
        RerankCandidate[] candidates = [new("water boils at 100 degrees", "", 0, 5, 0.1), new("boiling point", "", 0, 1, null)];

        Assert.True(reranker.TryRerank("water boils", candidates, 0, out var ranked, out _));

        Assert.Equal(0, ranked[0].Index);
        Assert.Equal(reranker.Score(ranked[0].Features), ranked[0].Score);
    }

    [Fact]
    public void TheShippedWeightsFileLoads()
    {
        var path = new RerankOptions().ResolveWeightsPath()!;

        var (model, weights) = RerankModel.Load(path);

        Assert.Equal(RerankModel.FeatureNames.Count, model.Weights.Count);
        Assert.Equal(RerankModel.FeatureNames.Order(), weights.Weights.Keys.Order());
    }

    [Theory]
    [InlineData("{ not json", "is not valid JSON")]
    [InlineData("""{ "model": "m" }""", "has no \"weights\" object")]
    [InlineData("""{ "weights": { "bm25": 1 } }""", "weight \"coverage\" is missing")]
    [InlineData("""{ "weights": { "bm25": 1, "colour": 2 } }""", "unknown weight(s) colour")]
    public void AMalformedWeightsFileIsRefusedWithAMessageNamingFileAndFault(string json, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rerank-weights-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => RerankModel.Load(path));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            var validation = new RerankOptions { WeightsFile = path }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object())).ToList();
            Assert.Contains("Rerank:WeightsFile", Assert.Single(validation).ErrorMessage, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingWeightsFileStopsStartUpNamingTheKey()
    {
        var validation = new RerankOptions { WeightsFile = "no-such-rerank-weights.json" }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object())).ToList();

        Assert.Contains("Rerank:WeightsFile", Assert.Single(validation).ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(new RerankOptions { WeightsFile = "" }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object())));
    }
}
