using System.Collections.Concurrent;
using System.Net;

namespace Search.EndToEnd.Tests.Otlp;

/// <summary>
/// A minimal OTLP/HTTP receiver on a free loopback port: it keeps every span the services export to
/// /v1/traces (service name and trace id) and answers 200 to metrics and logs without reading them.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public OtlpReceiver()
    {
        Port = LoopbackPorts.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The value for OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Every span received so far: the service that sent it and its trace id in hex.</summary>
    public ConcurrentQueue<(string Service, string TraceId, string Name)> Spans { get; } = new();

    public int Requests => _requests;

    private int _requests;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping the listener ends the loop.
        }

        _listener.Close();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                Collect(ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray()));
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private void Collect(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";
            foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
            {
                Spans.Enqueue((service, Convert.ToHexStringLower(span.TraceId.ToByteArray()), span.Name));
            }
        }
    }
}
