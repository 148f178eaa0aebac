using Microsoft.Extensions.Options;
using Search.Ranking;
using Search.Text;

namespace Search.Rerank.Tests;

public class PassageRerankerTests
{
    private static readonly PassageReranker Reranker = new(new RerankOptions());

    [Fact]
    public void CoverageRanksThePassageWithMoreQueryTermsFirst()
    {
        var order = Rank("boiling point of water",
            Candidate("The boiling point depends on the air pressure."),
            Candidate("Water has a boiling point of 100 degrees at sea level."));

        Assert.Equal([1, 0], order);
    }

    [Fact]
    public void CoverageWeighsTermsFewCandidatesShareHigher()
    {
        // "penicillin" is in three candidates, "fleming" in one: matching the rare term covers more.
        var features = FeatureExtractor.Extract("fleming penicillin",
        [
            Candidate("Fleming worked at a London hospital."),
            Candidate("Penicillin is an antibiotic."),
            Candidate("Penicillin is made by a mould."),
            Candidate("Penicillin saved many lives."),
        ]);

        Assert.True(features[0].Coverage > features[1].Coverage, $"{features[0].Coverage} vs {features[1].Coverage}");
        Assert.Equal(1, Rank("fleming penicillin",
            Candidate("Penicillin is an antibiotic."),
            Candidate("Fleming worked at a London hospital."),
            Candidate("Penicillin is made by a mould."),
            Candidate("Penicillin saved many lives."))[0]);
    }

    [Fact]
    public void ProximityRanksTheTighterMatchFirst()
    {
        var order = Rank("eiffel tower height",
            Candidate("Eiffel was an engineer. Many years later a tower rose in Paris. Its height is 330 metres."),
            Candidate("The Eiffel Tower height is 330 metres."));

        Assert.Equal([1, 0], order);
    }

    [Fact]
    public void SmallestWindowFindsTheShortestRunHoldingEveryTerm()
    {
        var tokens = TextTokenizer.Tokenize("alpha beta gamma alpha delta beta gamma");

        Assert.Equal(3, FeatureExtractor.SmallestWindow(tokens, ["alpha", "beta", "gamma"]));
        Assert.Equal(1, FeatureExtractor.SmallestWindow(tokens, ["delta"]));
        Assert.Equal(0, FeatureExtractor.SmallestWindow(tokens, ["omega"]));
    }

    [Fact]
    public void ProximityIsOneForTheWholeQueryInARowAndScalesWithTheShareMatched()
    {
        var adjacent = FeatureExtractor.Extract("capital france", [Candidate("Paris is the capital of France.")]);
        var single = FeatureExtractor.Extract("capital france", [Candidate("Canberra is a capital.")]);
        var apart = FeatureExtractor.Extract("capital france", [Candidate("The capital city, built on the Seine, is the largest in France.")]);

        Assert.Equal(1.0, adjacent[0].Proximity);
        Assert.Equal(0.5, single[0].Proximity);
        Assert.InRange(apart[0].Proximity, 0.01, 0.5);
    }

    [Fact]
    public void TitleMatchRanksThePassageFromTheMatchingDocumentFirst()
    {
        const string text = "It was completed in 1889 for the World's Fair.";
        var order = Rank("eiffel tower completed",
            Candidate(text, title: "World's fairs"),
            Candidate(text, title: "Eiffel Tower"));

        Assert.Equal([1, 0], order);
    }

    [Fact]
    public void PositionPrefersTheEarlierPassageOfEqualOnes()
    {
        const string text = "The Great Wall is thousands of kilometres long.";
        var order = Rank("great wall length",
            Candidate(text, ordinal: 7),
            Candidate(text, ordinal: 0));

        Assert.Equal([1, 0], order);
    }

    [Fact]
    public void Bm25StaysTheBackboneForOtherwiseEqualPassages()
    {
        const string text = "Mount Everest is 8,849 metres high.";
        var order = Rank("everest height",
            Candidate(text, bm25: 3.0),
            Candidate(text, bm25: 9.0));

        Assert.Equal([1, 0], order);
    }

    [Fact]
    public void EqualBm25IsDecidedByTheFeatures()
    {
        var order = Rank("who discovered penicillin",
            Candidate("Antibiotics changed medicine.", bm25: 5.0),
            Candidate("Penicillin was discovered by Alexander Fleming in 1928.", bm25: 5.0, title: "Penicillin"),
            Candidate("Penicillin is a group of antibiotics.", bm25: 5.0));

        Assert.Equal([1, 2, 0], order);
    }

    [Fact]
    public void IdenticalCandidatesKeepRetrievalOrder()
    {
        var order = Rank("moon landing", Candidate("The moon landing."), Candidate("The moon landing."), Candidate("The moon landing."));

        Assert.Equal([0, 1, 2], order);
    }

    [Fact]
    public void WeightsFromOptionsDecideTheOrder()
    {
        // Position only: the later passage loses although it matches the query far better.
        var positionOnly = new PassageReranker(new RerankOptions
        {
            Bm25Weight = 0, CoverageWeight = 0, ProximityWeight = 0, TitleWeight = 0, PositionWeight = 1,
        });
        RerankCandidate[] candidates =
        [
            Candidate("Water boils at 100 degrees Celsius at sea level.", ordinal: 3, bm25: 9),
            Candidate("Rivers flow to the sea.", ordinal: 0, bm25: 1),
        ];

        Assert.True(positionOnly.TryRerank("water boils degrees", candidates, 0, out var ranked, out _));
        Assert.Equal([1, 0], ranked.Select(r => r.Index));
        Assert.Equal([0, 1], Rank("water boils degrees", candidates));
    }

    [Fact]
    public void ChineseCandidatesAreRankedByTheirBigrams()
    {
        var order = Rank("水的沸点是多少",
            Candidate("水是生命之源，人体的大部分由水组成。"),
            Candidate("在标准大气压下，水的沸点是100摄氏度。"),
            Candidate("珠穆朗玛峰是世界最高峰。"));

        Assert.Equal([1, 0, 2], order);
    }

    [Fact]
    public void TraditionalQueryMatchesSimplifiedPassages()
    {
        var order = Rank("長城有多長",
            Candidate("故宫位于北京。"),
            Candidate("长城全长两万多公里。"));

        Assert.Equal(1, order[0]);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(2, 2)]
    [InlineData(10, 5)]
    public void TopKLimitsTheOutput(int topK, int expected)
    {
        var candidates = Enumerable.Range(0, 5).Select(i => Candidate($"passage {i} about the moon", bm25: i)).ToArray();

        Assert.True(Reranker.TryRerank("moon", candidates, topK, out var ranked, out _));
        Assert.Equal(expected, ranked.Count);
        Assert.Equal(4, ranked[0].Index);
    }

    [Fact]
    public void EmptyCandidatesGiveAnEmptyResult()
    {
        Assert.True(Reranker.TryRerank("moon", [], 10, out var ranked, out _));
        Assert.Empty(ranked);
    }

    [Theory]
    [InlineData(null, "query is empty")]
    [InlineData("", "query is empty")]
    [InlineData(" \t\u200B ", "query is empty")]
    public void BlankQueriesAreRejected(string? query, string message)
    {
        Assert.False(Reranker.TryRerank(query, [Candidate("x")], 0, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void RequestsOverTheLimitsAreRejectedNamingThem()
    {
        var many = Enumerable.Range(0, 101).Select(i => Candidate($"text {i}")).ToArray();

        Assert.False(Reranker.TryRerank("text", many, 0, out _, out var tooMany));
        Assert.Contains("100", tooMany, StringComparison.Ordinal);
        Assert.False(Reranker.TryRerank(new string('a', 1001), [Candidate("a")], 0, out _, out var tooLong));
        Assert.Contains("1000", tooLong, StringComparison.Ordinal);
        Assert.False(Reranker.TryRerank("a", [Candidate("a")], -1, out _, out var negative));
        Assert.Contains("top_k", negative, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileQueriesAndCandidatesGiveFiniteScoresInRange()
    {
        string[] queries =
        [
            "title:(a OR b) AND \"", "*", "~", "\\", "<script>alert(1)</script>", "\uD800 lone", "\0\u0001 controls",
            "what is the", "😀", "水", new string('x', 1000),
        ];
        RerankCandidate[] candidates =
        [
            new("", "", 0, 0),
            new("<b>title</b>: (a OR b) AND \" * ~ \\", "<i>x</i>", -5, double.NaN),
            new("normal text about a thing", "", int.MaxValue, double.PositiveInfinity),
            new("\uDC00\0 broken \u202E text", "\uD800", int.MinValue, -3),
            new(string.Concat(Enumerable.Repeat("word 水 ", 5000)), "t", 1, double.MaxValue),
        ];

        foreach (var query in queries)
        {
            Assert.True(Reranker.TryRerank(query, candidates, 0, out var ranked, out var error), error);
            Assert.Equal(candidates.Length, ranked.Count);
            Assert.All(ranked, r => Assert.InRange(r.Score, 0.0, 1.0));
        }
    }

    private static int[] Rank(string query, params RerankCandidate[] candidates)
    {
        Assert.True(Reranker.TryRerank(query, candidates, 0, out var ranked, out var error), error);
        return ranked.Select(r => r.Index).ToArray();
    }

    private static RerankCandidate Candidate(string text, string title = "", int ordinal = 0, double bm25 = 1.0) =>
        new(text, title, ordinal, bm25);
}
