using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Answer.Tests.Generation;

/// <summary>
/// AnswerStream through a real answer host (TestServer) whose model endpoint is a scripted
/// OpenAI-compatible server on loopback: tokens stream in order, a grounded answer is shown with its
/// citations, and every failure falls back to the very answer the unary call extracts.
/// </summary>
public sealed class GenerationServiceTests : IAsyncLifetime
{
    private const string Question = "Who patented the telephone?";
    private FakeChatServer _model = null!;

    public async ValueTask InitializeAsync() => _model = await FakeChatServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _model.DisposeAsync();

    [Fact]
    public async Task TokensStreamInOrderAndAGroundedAnswerIsShownWithItsCitations()
    {
        _model.Pieces = ["The telephone ", "was patented by ", "Alexander Graham Bell [1]", " in 1876 [1][2]."];
        await using var host = Host(_model.Endpoint);

        var (tokens, result) = await StreamAsync(host, Request());

        Assert.Equal(_model.Pieces, tokens);
        Assert.True(result.GeneratedShown, result.FallbackReason);
        Assert.Equal("", result.FallbackReason);
        Assert.Equal("The telephone was patented by Alexander Graham Bell [1] in 1876 [1][2].", result.Generated.Text);
        Assert.Equal([(1, "doc-0#0", "doc-0"), (2, "doc-1#0", "doc-1")], result.Generated.Citations.Select(c => (c.Index, c.PassageId, c.DocumentId)));
        Assert.NotNull(result.Extractive.Candidate);

        var prompt = _model.LastPrompt();
        Assert.Contains("<passage 1>\nTitle: Doc 0\n" + Passages[0] + "\n</passage 1>", prompt, StringComparison.Ordinal);
        Assert.Contains("<passage 2>\nTitle: Doc 1\n" + Passages[1] + "\n</passage 2>", prompt, StringComparison.Ordinal);
        Assert.Contains(Question, prompt, StringComparison.Ordinal);
        Assert.Equal("test-model", _model.Requests.Last()["model"]!.GetValue<string>());
        Assert.True(_model.Requests.Last()["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task OnlyTheConfiguredNumberOfPassagesIsSentAndACitationBeyondThemFallsBack()
    {
        _model.Pieces = ["Bell patented it [2]."];
        await using var host = Host(_model.Endpoint, ("Answer:Llm:MaxPassages", "1"));

        var (_, result) = await StreamAsync(host, Request());

        Assert.DoesNotContain("[2]", _model.LastPrompt(), StringComparison.Ordinal);
        Assert.False(result.GeneratedShown);
        Assert.Contains("cites [2]", result.FallbackReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswerCitingAPassageThatDoesNotSupportItFallsBackAfterItsTokens()
    {
        // A document's text can steer the model; the citation exists, but passage 2 never says 1901.
        _model.Pieces = ["Elisha Gray ", "patented the telephone in 1901 [2]."];
        await using var host = Host(_model.Endpoint);

        var (tokens, result) = await StreamAsync(host, Request());

        Assert.Equal(_model.Pieces, tokens);
        Assert.False(result.GeneratedShown);
        Assert.Contains("states \"1901\", which its cited passages [2] do not", result.FallbackReason, StringComparison.Ordinal);
        Assert.Empty(result.Generated.Citations);
        Assert.Equal(await UnaryAsync(host, Request()), result.Extractive);
    }

    [Fact]
    public async Task AnOutOfRangeCitationFallsBackToTheExtractiveAnswer()
    {
        _model.Pieces = ["Alexander Graham Bell ", "patented it [3]."];
        await using var host = Host(_model.Endpoint);

        var (tokens, result) = await StreamAsync(host, Request());

        Assert.Equal(_model.Pieces, tokens);
        Assert.False(result.GeneratedShown);
        Assert.Contains("cites [3]", result.FallbackReason, StringComparison.Ordinal);
        Assert.Empty(result.Generated.Citations);
        Assert.Equal(await UnaryAsync(host, Request()), result.Extractive);
    }

    [Fact]
    public async Task AnAnswerCitingNothingFallsBackToTheExtractiveAnswer()
    {
        _model.Pieces = ["Alexander Graham Bell patented the telephone."];
        await using var host = Host(_model.Endpoint);

        var (_, result) = await StreamAsync(host, Request());

        Assert.False(result.GeneratedShown);
        Assert.Contains("cites no passage", result.FallbackReason, StringComparison.Ordinal);
        Assert.Equal("Alexander Graham Bell patented the telephone.", result.Generated.Text);
        Assert.Equal(await UnaryAsync(host, Request()), result.Extractive);
    }

    [Fact]
    public async Task EmptyOutputFallsBack()
    {
        _model.Pieces = [];
        await using var host = Host(_model.Endpoint);

        var (tokens, result) = await StreamAsync(host, Request());

        Assert.Empty(tokens);
        Assert.False(result.GeneratedShown);
        Assert.Contains("no text", result.FallbackReason, StringComparison.Ordinal);
        Assert.Null(result.Generated);
    }

    [Fact]
    public async Task AModelThatStallsPastTheTimeoutFallsBackAfterTheTokensItSent()
    {
        _model.Pieces = ["Alexander ", "Graham Bell [1]."];
        _model.StallAfter = 1;
        // The timeout covers the whole generation, first token included: 2 s leaves room for a host that is
        // still compiling on a loaded machine (500 ms failed there), and the unary call warms the host first.
        await using var host = Host(_model.Endpoint, ("Answer:Llm:TimeoutMs", "2000"));
        var extractive = await UnaryAsync(host, Request());

        var (tokens, result) = await StreamAsync(host, Request());

        Assert.Equal(["Alexander "], tokens);
        Assert.False(result.GeneratedShown);
        Assert.Contains("did not finish within 2000 ms", result.FallbackReason, StringComparison.Ordinal);
        Assert.Equal(extractive, result.Extractive);
    }

    [Fact]
    public async Task ACallOverTheModelCallCapFallsBackAtOnceWithoutAskingTheModel()
    {
        _model.Pieces = ["Alexander ", "Graham Bell [1]."];
        _model.StallAfter = 1;
        await using var host = Host(_model.Endpoint, ("Answer:Llm:MaxConcurrentCalls", "1"), ("Answer:Llm:TimeoutMs", "600000"));
        var ct = TestContext.Current.CancellationToken;
        using var channel = GrpcChannel.ForAddress(host.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = host.Server.CreateHandler() });

        // The first call holds the only model call: a token has come, the rest is being generated.
        using var holding = new CancellationTokenSource();
        using var first = channel.CreateSignedInvoker().AsyncServerStreamingCall(StreamMethod, null, new CallOptions(cancellationToken: holding.Token), Request());
        Assert.True(await first.ResponseStream.MoveNext(ct));
        Assert.Equal("Alexander ", first.ResponseStream.Current.Token);

        var (tokens, refused) = await StreamAsync(host, Request());

        Assert.Empty(tokens);
        Assert.False(refused.GeneratedShown);
        Assert.Contains("Answer:Llm:MaxConcurrentCalls", refused.FallbackReason, StringComparison.Ordinal);
        Assert.NotNull(refused.Extractive.Candidate);
        Assert.Single(_model.Requests);

        // When the first call ends, the slot is free again.
        await holding.CancelAsync();
        var generator = host.Services.GetRequiredService<Search.Answer.Generation.AnswerGenerator>();
        while (generator.Running > 0)
        {
            await Task.Delay(10, ct);
        }

        _model.StallAfter = -1;
        var (_, shown) = await StreamAsync(host, Request());
        Assert.True(shown.GeneratedShown, shown.FallbackReason);
    }

    [Fact]
    public async Task AModelThatFailsWith500FallsBackWithoutRetrying()
    {
        _model.FailWith = 500;
        await using var host = Host(_model.Endpoint);

        var (tokens, result) = await StreamAsync(host, Request());

        Assert.Empty(tokens);
        Assert.False(result.GeneratedShown);
        Assert.Contains("HTTP 500", result.FallbackReason, StringComparison.Ordinal);
        Assert.Single(_model.Requests);
        Assert.Equal(await UnaryAsync(host, Request()), result.Extractive);
    }

    [Fact]
    public async Task WithNoEndpointConfiguredTheExtractiveAnswerIsUsedAndNoModelIsAsked()
    {
        await using var host = Host(endpoint: null);

        var (tokens, result) = await StreamAsync(host, Request());

        Assert.Empty(tokens);
        Assert.False(result.GeneratedShown);
        Assert.Contains("Answer:Llm:Endpoint", result.FallbackReason, StringComparison.Ordinal);
        Assert.Empty(_model.Requests);
        Assert.NotNull(result.Extractive.Candidate);
        Assert.Equal(await UnaryAsync(host, Request()), result.Extractive);
    }

    [Fact]
    public async Task ABlankQuestionIsInvalidArgumentBeforeAnyModelCall()
    {
        await using var host = Host(_model.Endpoint);
        var request = Request();
        request.Question = " \t ";

        var e = await Assert.ThrowsAsync<RpcException>(() => StreamAsync(host, request));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Empty(_model.Requests);
    }

    [Theory]
    [InlineData("Answer:Llm:Model", "", "Answer:Llm:Model is required")]
    [InlineData("Answer:Llm:Endpoint", "ftp://model.internal/v1", "Answer:Llm:Endpoint 'ftp://model.internal/v1' is not")]
    [InlineData("Answer:Llm:TimeoutMs", "5", "Answer:Llm:TimeoutMs must be between")]
    [InlineData("Answer:Llm:Temperature", "3", "Answer:Llm:Temperature must be between")]
    [InlineData("Answer:NeuralReaderWindow", "8", "Answer:NeuralReaderWindow must be between 32 and 512")]
    public async Task ABadSettingStopsStartWithAMessageNamingTheKey(string key, string value, string message)
    {
        await using var host = Host(_model.Endpoint, (key, value));

        var e = await Assert.ThrowsAnyAsync<Exception>(() => Task.Run(() => host.Server, TestContext.Current.CancellationToken));

        Assert.Contains(message, e.ToString(), StringComparison.Ordinal);
    }

    internal static readonly string[] Passages =
    [
        "The telephone was patented by Alexander Graham Bell in 1876.",
        "Bell's patent was granted on March 7, 1876, after a race with Elisha Gray.",
    ];

    internal static Rpc.AnswerRequest Request()
    {
        var request = new Rpc.AnswerRequest
        {
            Question = Question,
            Route = new Rpc.Route { NormalizedQuery = Question, Language = Rpc.Language.En, AnswerType = Rpc.AnswerType.Person, ShouldAnswer = true },
        };
        for (var i = 0; i < Passages.Length; i++)
        {
            request.Passages.Add(new Rpc.ScoredPassage
            {
                Passage = new Rpc.Passage { PassageId = $"doc-{i}#0", DocumentId = $"doc-{i}", Title = $"Doc {i}", Text = Passages[i], Language = Rpc.Language.En },
                Score = 10 - i,
            });
        }

        return request;
    }

    private static GenerationHost Host(string? endpoint, params (string Key, string Value)[] settings) =>
        new([("Answer:Llm:Endpoint", endpoint ?? ""), ("Answer:Llm:Model", "test-model"), .. settings]);

    private static async Task<(List<string> Tokens, Rpc.AnswerStreamResult Result)> StreamAsync(GenerationHost host, Rpc.AnswerRequest request)
    {
        var ct = TestContext.Current.CancellationToken;
        using var channel = GrpcChannel.ForAddress(host.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = host.Server.CreateHandler() });
        using var call = channel.CreateSignedInvoker().AsyncServerStreamingCall(StreamMethod, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct), request);
        var tokens = new List<string>();
        Rpc.AnswerStreamResult? result = null;
        await foreach (var item in call.ResponseStream.ReadAllAsync(ct))
        {
            Assert.Null(result); // nothing may follow the result
            if (item.EventCase == Rpc.AnswerStreamEvent.EventOneofCase.Token)
            {
                tokens.Add(item.Token);
            }
            else
            {
                result = item.Result;
            }
        }

        Assert.NotNull(result);
        return (tokens, result);
    }

    private static async Task<Rpc.AnswerResponse> UnaryAsync(GenerationHost host, Rpc.AnswerRequest request)
    {
        using var channel = GrpcChannel.ForAddress(host.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = host.Server.CreateHandler() });
        return await new AnswerClient(channel.CreateSignedInvoker()).AnswerAsync(request, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)));
    }

    private static readonly Method<Rpc.AnswerRequest, Rpc.AnswerStreamEvent> StreamMethod =
        GrpcMethods.ServerStreaming<Rpc.AnswerRequest, Rpc.AnswerStreamEvent>(Rpc.Answer.Descriptor, "AnswerStream");

    /// <summary>The answer service with generation settings of its own.</summary>
    private sealed class GenerationHost((string Key, string Value)[] settings) : SignedHost<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
