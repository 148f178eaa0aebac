using Search.TestKit;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Rpc = Search.Contracts.V1;

namespace Search.Answer.Tests;

/// <summary>The gRPC contract through a real host (TestServer), as the gateway calls it.</summary>
public sealed class AnswerServiceTests : IClassFixture<AnswerServiceTests.SpanFirstHost>, IDisposable
{
    /// <summary>
    /// The service with the sentence fallback and the neural reader off, so the feature ranker's typed span itself is
    /// what the tests observe (the reader in the service: <see cref="NeuralReaderTests"/>).
    /// </summary>
    public sealed class SpanFirstHost : SignedHost<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Answer:SentenceFallback", "false");
            builder.UseSetting("Answer:NeuralReader", "false");
        }
    }

    private readonly GrpcChannel _channel;
    private readonly AnswerClient _client;

    public AnswerServiceTests(SpanFirstHost factory)
    {
        _channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        _client = new AnswerClient(_channel.CreateSignedInvoker());
    }

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task AnswerReturnsASpanWhoseTextIsThePassageSlice()
    {
        var request = Request("Who patented the telephone?", Rpc.AnswerType.Person,
            "The telephone changed communication. The telephone was patented by Alexander Graham Bell in 1876.",
            "Radio came later. Guglielmo Marconi sent signals across the Atlantic in 1901.");

        var response = await _client.AnswerAsync(request, Deadline());

        var box = response.Candidate;
        Assert.NotNull(box);
        Assert.Equal(Rpc.AnswerKind.Span, box.Kind);
        Assert.Equal("Alexander Graham Bell", box.Text);
        Assert.Equal(box.Text, box.Passage.Text[box.AnswerStart..box.AnswerEnd]);
        Assert.True(box.Sentence.Start <= box.AnswerStart && box.AnswerEnd <= box.Sentence.End);
        Assert.Equal("doc-0", box.Passage.DocumentId);
        Assert.InRange(box.Confidence, 0, 1);
        Assert.Equal(response.Shown, string.IsNullOrEmpty(response.AbstainReason));
    }

    [Fact]
    public async Task AnswerDetectsTheTypeWhenTheRouteLeavesItUnspecified()
    {
        var request = Request("长江全长多少公里？", Rpc.AnswerType.Unspecified,
            "长江是中国最长的河流。长江全长约6300公里，流经十一个省级行政区。");

        var response = await _client.AnswerAsync(request, Deadline());

        Assert.Equal("6300公里", response.Candidate.Text);
        Assert.Equal(Rpc.AnswerKind.Span, response.Candidate.Kind);
    }

    [Fact]
    public async Task AnswerRejectsAnEmptyQuestion()
    {
        var request = Request(" \t\u0000 ", Rpc.AnswerType.Unspecified, "Some passage.");

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.AnswerAsync(request, Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("question", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerRejectsAnOverlongQuestion()
    {
        var request = Request(new string('a', 5000), Rpc.AnswerType.Unspecified, "Some passage.");

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.AnswerAsync(request, Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task AnswerWithoutPassagesAbstainsWithAReason()
    {
        var response = await _client.AnswerAsync(Request("Who patented the telephone?", Rpc.AnswerType.Person), Deadline());

        Assert.Null(response.Candidate);
        Assert.False(response.Shown);
        Assert.NotEmpty(response.AbstainReason);
    }

    [Theory]
    [InlineData("title:(a OR b) AND \"")]
    [InlineData("<img src=x onerror=alert(1)> telephone")]
    [InlineData("* ~ \\ telephone")]
    public async Task AnswerHandlesHostileQuestions(string question)
    {
        var request = Request(question, Rpc.AnswerType.Unspecified, "<b>The telephone</b> was patented in 1876. title:(a OR b) AND \"");
        request.Passages.Add(new Rpc.ScoredPassage());

        var response = await _client.AnswerAsync(request, Deadline());

        if (response.Candidate is { } box)
        {
            Assert.Equal(box.Text, box.Passage.Text[box.AnswerStart..box.AnswerEnd]);
        }
        else
        {
            Assert.NotEmpty(response.AbstainReason);
        }
    }

    [Fact]
    public async Task SentenceSimilaritiesThatAreNotCosinesOrRangesOutsideThePassageAreIgnored()
    {
        const string question = "Who patented the telephone?";
        const string text = "The telephone changed communication. The telephone was patented by Alexander Graham Bell in 1876.";
        var plain = await _client.AnswerAsync(Request(question, Rpc.AnswerType.Person, text), Deadline());

        var hostile = Request(question, Rpc.AnswerType.Person, text);
        var sentences = hostile.Passages[0].Sentences;
        sentences.Add(new Rpc.SentenceSimilarity { Range = new Rpc.TextSpan { Start = 0, End = 36 }, Similarity = double.NaN });
        sentences.Add(new Rpc.SentenceSimilarity { Range = new Rpc.TextSpan { Start = 37, End = text.Length }, Similarity = 7.5 });
        sentences.Add(new Rpc.SentenceSimilarity { Range = new Rpc.TextSpan { Start = 90, End = -4 }, Similarity = 0.9 });
        sentences.Add(new Rpc.SentenceSimilarity { Range = new Rpc.TextSpan { Start = -50, End = 1_000_000 }, Similarity = -0.2 });
        sentences.Add(new Rpc.SentenceSimilarity { Similarity = 0.5 });
        for (var i = 0; i < 5_000; i++)
        {
            sentences.Add(new Rpc.SentenceSimilarity { Range = new Rpc.TextSpan { Start = i, End = i + 1 }, Similarity = double.PositiveInfinity });
        }

        var response = await _client.AnswerAsync(hostile, Deadline());

        Assert.Equal(plain.Candidate?.Text, response.Candidate?.Text);
        Assert.Equal(plain.Shown, response.Shown);
    }

    private static CallOptions Deadline() => new(deadline: DateTime.UtcNow.AddSeconds(30));

    private static Rpc.AnswerRequest Request(string question, Rpc.AnswerType type, params string[] passages)
    {
        var request = new Rpc.AnswerRequest
        {
            Question = question,
            Route = new Rpc.Route { NormalizedQuery = question, AnswerType = type, ShouldAnswer = true },
        };
        for (var i = 0; i < passages.Length; i++)
        {
            request.Passages.Add(new Rpc.ScoredPassage
            {
                Passage = new Rpc.Passage { PassageId = $"doc-{i}#0", DocumentId = $"doc-{i}", Text = passages[i], EndOffset = passages[i].Length },
                Score = passages.Length - i,
                RetrievalScore = passages.Length - i,
            });
        }

        return request;
    }
}
