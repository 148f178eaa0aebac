using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Search.Contracts.V1;
using Search.TestKit;

namespace Search.LoadTest.Tests;

public sealed record ReceivedSearch(string Query, string Lang, int K);

/// <summary>
/// A stand-in gateway on a free loopback port, REST and gRPC, that answers by markers in the query:
/// "#hit" cached, "#answer" with an answer box, "#degraded" with rerank degraded, "#429" / "#500" with that
/// status (gRPC: RESOURCE_EXHAUSTED / INTERNAL), "#garbage" with a body that is not JSON (REST only), "#slow" never.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSearch> _received;

    private FakeGateway(WebApplication app, ConcurrentQueue<ReceivedSearch> received, int restPort, int grpcPort)
    {
        _app = app;
        _received = received;
        RestAddress = $"http://127.0.0.1:{restPort}";
        GrpcAddress = $"http://127.0.0.1:{grpcPort}";
    }

    /// <summary>HTTP/1.1, where GET /api/search answers.</summary>
    public string RestAddress { get; }

    /// <summary>Cleartext HTTP/2, where gRPC search.v1.Gateway/Search answers.</summary>
    public string GrpcAddress { get; }

    /// <summary>Every search received so far, REST and gRPC alike.</summary>
    public IReadOnlyList<ReceivedSearch> Received => [.. _received];

    public static async Task<FakeGateway> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? rest = null, grpc = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => (rest = listen).Protocols = HttpProtocols.Http1);
            // Cleartext gRPC needs an HTTP/2-only endpoint.
            kestrel.Listen(IPAddress.Loopback, 0, listen => (grpc = listen).Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc();
        var received = new ConcurrentQueue<ReceivedSearch>();
        builder.Services.AddSingleton(new FakeGrpcGateway(received));
        var app = builder.Build();
        Func<HttpContext, Task<IResult>> search = http => Search(http, received);
        app.MapGet("/api/search", search);
        app.MapGrpcService<FakeGrpcGateway>();
        await app.StartAsync(ct);

        // Kestrel writes the port it bound back into each endpoint's options.
        return new FakeGateway(app, received, ((IPEndPoint)rest!.EndPoint).Port, ((IPEndPoint)grpc!.EndPoint).Port);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static async Task<IResult> Search(HttpContext http, ConcurrentQueue<ReceivedSearch> received)
    {
        var q = http.Request.Query["q"].ToString();
        var k = int.TryParse(http.Request.Query["k"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        received.Enqueue(new ReceivedSearch(q, http.Request.Query["lang"].ToString(), k));
        if (q.Contains("#slow", StringComparison.Ordinal))
        {
            // Never answers: the client gives up and closes the connection.
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        }

        if (q.Contains("#429", StringComparison.Ordinal))
        {
            http.Response.Headers.RetryAfter = "1";
            return Results.Problem(statusCode: 429, title: "Too many requests");
        }

        if (q.Contains("#500", StringComparison.Ordinal))
        {
            return Results.Problem(statusCode: 500);
        }

        if (q.Contains("#garbage", StringComparison.Ordinal))
        {
            return Results.Text("<html>not a search response</html>", "text/html");
        }

        var answer = q.Contains("#answer", StringComparison.Ordinal) ? """{"text": "42", "confidence": 0.9}""" : "null";
        var degraded = q.Contains("#degraded", StringComparison.Ordinal) ? """["rerank"]""" : "[]";
        var cached = q.Contains("#hit", StringComparison.Ordinal) ? "true" : "false";
        return Results.Text(
            $$"""{"query": {{System.Text.Json.JsonSerializer.Serialize(q)}}, "answer": {{answer}}, "results": [], "degraded": {{degraded}}, "timings": [], "total_ms": 1.5, "cached": {{cached}}}""",
            "application/json; charset=utf-8");
    }
}

/// <summary>
/// The gateway's gRPC Search, bound by hand from the service descriptor (the client library has no server stub).
/// Grpc.AspNetCore binds only virtual methods declared on the bound type, as generated bases have them.
/// </summary>
[BindServiceMethod(typeof(FakeGrpcGateway), nameof(BindService))]
public class FakeGrpcGateway(ConcurrentQueue<ReceivedSearch> received)
{
    public virtual async Task<SearchResponse> Search(SearchRequest request, ServerCallContext context)
    {
        received.Enqueue(new ReceivedSearch(request.Query, request.Language, request.K));
        var q = request.Query;
        if (q.Contains("#slow", StringComparison.Ordinal))
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        if (q.Contains("#429", StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "too many requests"));
        }

        if (q.Contains("#500", StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.Internal, "boom"));
        }

        var response = new SearchResponse { Query = q, Cached = q.Contains("#hit", StringComparison.Ordinal) };
        if (q.Contains("#answer", StringComparison.Ordinal))
        {
            response.Answer = new AnswerBox { Text = "42" };
        }

        if (q.Contains("#degraded", StringComparison.Ordinal))
        {
            response.Degraded.Add("rerank");
        }

        return response;
    }

    public static void BindService(ServiceBinderBase binder, FakeGrpcGateway? service) =>
        binder.AddMethod(GrpcMethods.Unary<SearchRequest, SearchResponse>(Gateway.Descriptor, "Search"), service is null ? null! : service.Search);
}
