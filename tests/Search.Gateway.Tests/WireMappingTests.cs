using Search.Gateway.Grpc;
using Search.Gateway.Pipeline;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>What a back service returns maps into the gateway's records and back to the very same message.</summary>
public sealed class WireMappingTests
{
    private static readonly Rpc.Passage Passage = new()
    {
        PassageId = "doc#3",
        DocumentId = "doc",
        Ordinal = 3,
        Title = "Title",
        Url = "https://example.org/doc",
        Text = "水的沸点是100摄氏度。",
        Language = Rpc.Language.ZhHans,
        StartOffset = 40,
        EndOffset = 52,
    };

    [Fact]
    public void ARouteMapsBackUnchanged()
    {
        var route = new Rpc.Route
        {
            NormalizedQuery = "水的沸点是多少",
            Language = Rpc.Language.ZhHans,
            Intent = Rpc.Intent.Question,
            AnswerType = Rpc.AnswerType.Number,
            ShouldAnswer = true,
            Reason = "question cue",
        };

        Assert.Equal(route, route.ToGateway().ToWire());
    }

    [Fact]
    public void AScoredPassageMapsBackUnchangedButForItsHighlightWithOrWithoutItsOptionalParts()
    {
        var full = new Rpc.ScoredPassage
        {
            Passage = Passage,
            Score = 1.5,
            RetrievalScore = 7.25,
            Highlight = new Rpc.Highlight { Text = "沸点", Spans = { new Rpc.TextSpan { Start = 0, End = 2 } } },
            Similarity = -0.125,
            Sentences =
            {
                new Rpc.SentenceSimilarity { Range = new Rpc.TextSpan { Start = 0, End = 7 }, Similarity = 0.625 },
                new Rpc.SentenceSimilarity { Range = new Rpc.TextSpan { Start = 7, End = 12 }, Similarity = -0.25 },
            },
        };
        var bare = new Rpc.ScoredPassage { Passage = Passage, Score = 2, RetrievalScore = 2 };

        var fullWithoutHighlight = full.Clone();
        fullWithoutHighlight.Highlight = null;
        Assert.Equal(fullWithoutHighlight, full.ToGateway().ToWire());
        Assert.Equal(bare, bare.ToGateway().ToWire());
        Assert.Null(bare.ToGateway().Similarity);
        Assert.Null(bare.ToGateway().Sentences);
        Assert.Equal(0.0, new Rpc.ScoredPassage { Passage = Passage, Similarity = 0 }.ToGateway().Similarity);
    }

    [Fact]
    public void RetrievalsSpansWithoutTextMarkThePassagesOwnText()
    {
        var lean = new Rpc.ScoredPassage { Passage = Passage, Highlight = new Rpc.Highlight { Spans = { new Rpc.TextSpan { Start = 2, End = 4 } } } };

        var highlight = lean.ToGateway().Highlight!;

        Assert.Equal(Passage.Text, highlight.Text);
        Assert.Equal("沸点", highlight.Text[highlight.Spans[0].Start..highlight.Spans[0].End]);
    }

    [Fact]
    public void ARerankCandidateCarriesOnlyWhatRerankReads()
    {
        var full = new Rpc.ScoredPassage
        {
            Passage = Passage,
            Score = 1.5,
            RetrievalScore = 7.25,
            Highlight = new Rpc.Highlight { Spans = { new Rpc.TextSpan { Start = 0, End = 2 } } },
            Similarity = -0.125,
        };

        var candidate = full.ToGateway().ToRerankCandidate();

        Assert.Equal(new Rpc.Passage { Text = Passage.Text, Title = Passage.Title, Ordinal = Passage.Ordinal }, candidate.Passage);
        Assert.Null(candidate.Highlight);
        Assert.Equal((1.5, 7.25, -0.125), (candidate.Score, candidate.RetrievalScore, candidate.Similarity));
    }

    [Fact]
    public void AnAnswerBoxMapsBackUnchangedWithOrWithoutItsPassageAndSentence()
    {
        var full = new Rpc.AnswerBox
        {
            Text = "100摄氏度",
            Passage = Passage,
            AnswerStart = 5,
            AnswerEnd = 11,
            Confidence = 0.9,
            Kind = Rpc.AnswerKind.Span,
            Sentence = new Rpc.TextSpan { Start = 0, End = 12 },
            ShortAnswer = "100",
            ShortAnswerRange = new Rpc.TextSpan { Start = 5, End = 8 },
        };
        var bare = new Rpc.AnswerBox { Text = "a sentence", Kind = Rpc.AnswerKind.Sentence };

        Assert.Equal(full, full.ToGateway().ToWire());
        Assert.Equal(bare, bare.ToGateway().ToWire());
    }

    [Fact]
    public void AScoredPassageWithoutItsPassageReadsAsAnEmptyOne()
    {
        var ranked = new Rpc.ScoredPassage { Score = 1 }.ToGateway();

        Assert.Equal(Pipeline.Passage.Empty, ranked.Passage);
        Assert.Equal(TextLanguage.Unknown, ranked.Passage.Language);
    }

    [Fact]
    public void AStreamResultKeepsTheGeneratedAnswerAndTheExtractiveReply()
    {
        var result = new Rpc.AnswerStreamResult
        {
            Generated = new Rpc.GeneratedAnswer { Text = "100 °C [1]", Citations = { new Rpc.Citation { Index = 1, PassageId = "doc#3", DocumentId = "doc" } } },
            GeneratedShown = true,
            Extractive = new Rpc.AnswerResponse { Candidate = new Rpc.AnswerBox { Text = "100" }, Shown = false },
        };

        var outcome = result.ToGateway();

        Assert.Equal("100 °C [1]", outcome.Generated?.Text);
        Assert.Equal(new AnswerCitation(1, "doc#3", "doc"), Assert.Single(outcome.Generated!.Citations));
        Assert.True(outcome.GeneratedShown);
        Assert.Equal("100", outcome.Extractive?.Candidate?.Text);
        Assert.False(outcome.Extractive?.Shown);
        Assert.Null(new Rpc.AnswerStreamResult { FallbackReason = "off" }.ToGateway().Generated);
    }
}
