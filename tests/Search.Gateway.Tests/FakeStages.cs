using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Tests;

/// <summary>
/// Router, retrieval, rerank and answer as one scripted gRPC server on a free loopback port. The gateway
/// compiles these services as clients only, so the server speaks gRPC's framing by hand (a 5-byte prefix per
/// message, grpc-status in the trailers) with the gateway's own message types.
/// </summary>
public sealed class FakeStages : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _retrievals;
    private int _retrievalsAbandoned;

    private FakeStages(WebApplication app) => _app = app;

    public string Address { get; private set; } = "";

    /// <summary>Passages retrieval returns (rerank returns them in the same order).</summary>
    public IReadOnlyList<Rpc.ScoredPassage> Passages { get; set; } = [];

    /// <summary>What AnswerStream sends, in order; an entry of null makes the stream stall until the call is cancelled.</summary>
    public IReadOnlyList<Rpc.AnswerStreamEvent?> AnswerEvents { get; set; } = [];

    /// <summary>The unary Answer's response.</summary>
    public Rpc.AnswerResponse UnaryAnswer { get; set; } = new();

    /// <summary>When set, the unary Answer's response to each request (instead of <see cref="UnaryAnswer"/>).</summary>
    public Func<Rpc.AnswerRequest, Rpc.AnswerResponse>? Answerer { get; set; }

    public ConcurrentQueue<Rpc.AnswerRequest> AnswerRequests { get; } = new();

    public ConcurrentQueue<Rpc.RerankRequest> RerankRequests { get; } = new();

    public ConcurrentQueue<Rpc.RetrieveRequest> RetrieveRequests { get; } = new();

    /// <summary>The router's route for a query.</summary>
    public Func<string, Rpc.Route> Router { get; set; } = RouteOf;

    /// <summary>Retrieval searches received.</summary>
    public int Retrievals => Volatile.Read(ref _retrievals);

    /// <summary>Retrieval searches whose caller gave up (cancelled or past its deadline) while <see cref="RetrievalGate"/> held them.</summary>
    public int RetrievalsAbandoned => Volatile.Read(ref _retrievalsAbandoned);

    /// <summary>When set, every retrieval search waits until it completes (or the call is cancelled).</summary>
    public TaskCompletionSource? RetrievalGate { get; set; }

    /// <summary>Stages ("rerank", "answer", …) that answer INTERNAL instead of a response.</summary>
    public HashSet<string> Failing { get; } = new(StringComparer.Ordinal);

    /// <summary>What grpc.health.v1 Check answers; null (the default) for a server without a health service (UNIMPLEMENTED).</summary>
    public HealthCheckResponse.Types.ServingStatus? Health { get; set; }

    /// <summary>The CPU (whole microseconds) a stage reports in its <c>cpu-us</c> trailer; a stage not listed reports none.</summary>
    public ConcurrentDictionary<string, long> CpuMicros { get; } = new(StringComparer.Ordinal);

    /// <summary>Unary calls received per stage, counted before anything is answered.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public static async Task<FakeStages> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The output folder holds the gateway's appsettings.json (with its Kestrel endpoints): none of it applies here.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var stages = new FakeStages(app);
        app.MapPost("/search.v1.Router/Route", http => stages.Unary(http, "router", Rpc.RouteRequest.Parser, r => new Rpc.RouteResponse { Route = stages.Router(r.Query) }));
        app.MapPost("/search.v1.Retrieval/Search", async http =>
        {
            Interlocked.Increment(ref stages._retrievals);
            if (stages.RetrievalGate is { } gate)
            {
                try
                {
                    await gate.Task.WaitAsync(http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref stages._retrievalsAbandoned);
                    throw;
                }
            }

            await stages.Unary(http, "retrieval", Rpc.RetrieveRequest.Parser, r =>
            {
                stages.RetrieveRequests.Enqueue(r);
                return new Rpc.RetrieveResponse { Passages = { stages.Passages } };
            });
        });
        app.MapPost("/search.v1.Rerank/Rerank", http => stages.Unary(http, "rerank", Rpc.RerankRequest.Parser, r =>
        {
            stages.RerankRequests.Enqueue(r);
            return new Rpc.RerankResponse { Ranking = { r.Candidates.Select((c, i) => new Rpc.RankedCandidate { Index = i, Score = c.Score }) } };
        }));
        app.MapPost("/search.v1.Answer/Answer", http => stages.Unary(http, "answer", Rpc.AnswerRequest.Parser, r =>
        {
            stages.AnswerRequests.Enqueue(r);
            return stages.Answerer?.Invoke(r) ?? stages.UnaryAnswer;
        }));
        app.MapPost("/search.v1.Answer/AnswerStream", stages.AnswerStreamAsync);
        app.MapPost("/search.v1.Retrieval/UpsertDocumentStream", StalledIngestAsync);
        app.MapPost("/grpc.health.v1.Health/Check", stages.HealthAsync);
        await app.StartAsync(ct);
        stages.Address = app.Urls.Single().TrimEnd('/');
        return stages;
    }

    /// <summary>A real gateway host whose four stages are this server, with <paramref name="settings"/> on top.</summary>
    public IsolatedGateway Gateway(params (string Key, string Value)[] settings) => new(
    [
        ("Gateway:RouterAddress", Address),
        ("Gateway:RetrievalAddress", Address),
        ("Gateway:RerankAddress", Address),
        ("Gateway:AnswerAddress", Address),
        .. settings,
    ]);

    /// <summary>A question route for any query ending in "?", a keyword route otherwise.</summary>
    /// <summary>One English passage that answers "Who patented the telephone?", as retrieval would rank it.</summary>
    public static Rpc.ScoredPassage TelephonePassage() => new()
    {
        Passage = new Rpc.Passage { PassageId = "doc-0#0", DocumentId = "doc-0", Text = "The telephone was patented by Alexander Graham Bell.", Language = Rpc.Language.En },
        Score = 2,
        RetrievalScore = 2,
    };

    public static Rpc.Route RouteOf(string query) => new()
    {
        NormalizedQuery = query.Trim(),
        Language = Rpc.Language.En,
        Intent = query.EndsWith('?') ? Rpc.Intent.Question : Rpc.Intent.Keyword,
        ShouldAnswer = query.EndsWith('?'),
        Reason = "scripted",
    };

    private async Task AnswerStreamAsync(HttpContext http)
    {
        AnswerRequests.Enqueue(await ReadAsync(http, Rpc.AnswerRequest.Parser));
        Start(http);
        foreach (var e in AnswerEvents)
        {
            if (e is null)
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }

            await WriteAsync(http, e!);
        }

        if (CpuMicros.TryGetValue("answer", out var cpu))
        {
            http.Response.AppendTrailer("cpu-us", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        http.Response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>Takes the documents and never acknowledges them: the call ends only with its deadline or cancellation.</summary>
    private static async Task StalledIngestAsync(HttpContext http)
    {
        try
        {
            await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
            Start(http);
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The gateway gave up, as it should.
        }
    }

    private async Task HealthAsync(HttpContext http)
    {
        await ReadAsync(http, HealthCheckRequest.Parser);
        Start(http);
        if (Health is not { } status)
        {
            http.Response.AppendTrailer("grpc-status", "12");
            return;
        }

        await WriteAsync(http, new HealthCheckResponse { Status = status });
        http.Response.AppendTrailer("grpc-status", "0");
    }

    private async Task Unary<TRequest>(HttpContext http, string stage, MessageParser<TRequest> parser, Func<TRequest, IMessage> handle)
        where TRequest : IMessage<TRequest>
    {
        Calls.AddOrUpdate(stage, 1, (_, n) => n + 1);
        var request = await ReadAsync(http, parser);
        Start(http);
        if (Failing.Contains(stage))
        {
            http.Response.AppendTrailer("grpc-status", "13");
            return;
        }

        await WriteAsync(http, handle(request));
        if (CpuMicros.TryGetValue(stage, out var cpu))
        {
            http.Response.AppendTrailer("cpu-us", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        http.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task<T> ReadAsync<T>(HttpContext http, MessageParser<T> parser)
        where T : IMessage<T>
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        return parser.ParseFrom(body.ToArray().AsSpan(5));
    }

    private static void Start(HttpContext http)
    {
        http.Response.ContentType = "application/grpc";
        http.Response.DeclareTrailer("grpc-status");
    }

    private static async Task WriteAsync(HttpContext http, IMessage message)
    {
        var bytes = message.ToByteArray();
        var frame = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)bytes.Length);
        bytes.CopyTo(frame.AsSpan(5));
        await http.Response.Body.WriteAsync(frame, http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
