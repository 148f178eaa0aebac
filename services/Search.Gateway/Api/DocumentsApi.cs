using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Search.Gateway.Caching;
using Search.Gateway.Ingest;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Api;

/// <summary>
/// REST ingestion: <c>POST /api/documents</c> takes NDJSON (one document object per line, as
/// <c>{"id":…,"text":…,"title":…,"url":…,"lang":…}</c>) and streams it to retrieval;
/// <c>DELETE /api/documents/{id}</c> removes a document. Both need the ingest API key.
/// A line that is not a document is rejected alone; the answer counts accepted and rejected items.
/// </summary>
public static class DocumentsApi
{
    private static readonly JsonParser DocumentParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static WebApplication MapDocumentsApi(this WebApplication app)
    {
        app.MapPost("/api/documents", UpsertAsync);
        app.MapDelete("/api/documents/{id}", DeleteAsync);
        return app;
    }

    private static async Task<IResult> UpsertAsync(
        HttpContext http, IngestAuthorization authorization, Rpc.Retrieval.RetrievalClient retrieval, WriteInvalidation invalidation, Deadlines deadlines, IOptions<GatewayOptions> options)
    {
        if (authorization.Refuse(http) is { } refused)
        {
            return refused;
        }

        var limit = options.Value.MaxIngestBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            return ApiResults.BadRequest($"the body is {http.Request.ContentLength} bytes; at most {limit} are accepted (Gateway:MaxIngestBodyBytes); send it in parts");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        // Documents go to retrieval as they are read, so a large body is never held whole in memory.
        // Lines that are not documents, and documents the rules refuse, are rejected here; the screen numbers
        // every rejection by the item's index among the body's non-empty lines.
        var screen = new IngestScreen();
        var acknowledged = false;
        // The deadline bounds reading the body too, which gRPC's deadline alone would not.
        var deadline = deadlines.Earliest(null, options.Value.IngestTimeoutMs);
        using var timeout = deadlines.CancelAt(deadline, http.RequestAborted);
        try
        {
            using var call = retrieval.UpsertDocumentStream(deadline: deadline, cancellationToken: timeout.Token);
            await foreach (var line in NdjsonLines.ReadAsync(http.Request.BodyReader, timeout.Token))
            {
                if (line.Text is null)
                {
                    screen.Reject($"line {line.Number}: not UTF-8 text");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(line.Text))
                {
                    continue;
                }

                if (!TryParse(line.Text, out var document, out var problem))
                {
                    screen.Reject($"line {line.Number}: {problem}");
                    continue;
                }

                if (screen.Admit(document))
                {
                    await call.RequestStream.WriteAsync(document, timeout.Token);
                }
            }

            if (screen.Items == 0)
            {
                return ApiResults.BadRequest("the body has no documents: send NDJSON, one JSON object per line with at least \"id\" and \"text\"");
            }

            await call.RequestStream.CompleteAsync();
            var response = await call.ResponseAsync;
            acknowledged = true;
            return ApiResults.Json(screen.Answer(response));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiResults.BadRequest($"the body is larger than {limit} bytes (Gateway:MaxIngestBodyBytes); nothing after that point was stored, send it in parts");
        }
        catch (Exception e) when (TimedOut(e, timeout) && !http.RequestAborted.IsCancellationRequested)
        {
            return ApiResults.Unavailable($"ingest took longer than {options.Value.IngestTimeoutMs} ms (Gateway:IngestTimeoutMs); batches acknowledged before that are stored");
        }
        catch (RpcException e)
        {
            return FromRetrieval(e);
        }
        finally
        {
            // Whatever reached retrieval may have been committed, acknowledged or not: answers citing it must not outlive it.
            await invalidation.SettleAsync(screen.ForwardedIds, screen.ForwardedTerms, deadline, acknowledged);
        }
    }

    private static async Task<IResult> DeleteAsync(
        string id, HttpContext http, IngestAuthorization authorization, Rpc.Retrieval.RetrievalClient retrieval, WriteInvalidation invalidation, Deadlines deadlines, IOptions<GatewayOptions> options)
    {
        if (authorization.Refuse(http) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            return ApiResults.BadRequest("the document id is empty");
        }

        try
        {
            var request = new Rpc.DeleteDocumentsRequest { DocumentIds = { id } };
            var deadline = deadlines.Earliest(null, options.Value.IngestTimeoutMs);
            // A delete whose reply is lost may have been applied: its answers go either way.
            var response = await invalidation.RunAsync([id], null, deadline, async () =>
                await retrieval.DeleteDocumentsAsync(request, deadline: deadline, cancellationToken: http.RequestAborted));
            return response.Deleted == 0
                ? Results.Problem(detail: $"no document has the id '{id}'", statusCode: StatusCodes.Status404NotFound, title: "Not found")
                : ApiResults.Json(response);
        }
        catch (RpcException e)
        {
            return FromRetrieval(e);
        }
    }

    /// <summary>Whether the ingest deadline ended the upload: it surfaces as gRPC's deadline or as the token's cancellation.</summary>
    private static bool TimedOut(Exception e, DeadlineToken timeout) => e switch
    {
        RpcException { StatusCode: StatusCode.DeadlineExceeded } => true,
        RpcException { StatusCode: StatusCode.Cancelled } => timeout.Expired,
        OperationCanceledException => true,
        _ => false,
    };

    private static bool TryParse(string line, out Rpc.Document document, out string problem)
    {
        try
        {
            document = DocumentParser.Parse<Rpc.Document>(line);
            problem = "";
            return true;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            document = new Rpc.Document();
            problem = $"not a document object: {e.Message}";
            return false;
        }
    }

    private static IResult FromRetrieval(RpcException e) => e.StatusCode switch
    {
        StatusCode.InvalidArgument => ApiResults.BadRequest(e.Status.Detail),
        _ => ApiResults.Unavailable($"retrieval is unavailable ({e.StatusCode}): {e.Status.Detail}; batches acknowledged before the failure are stored"),
    };
}
