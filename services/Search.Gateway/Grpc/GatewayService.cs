using System.Data.Common;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.RateLimiting;
using Search.Gateway.Api;
using Search.Gateway.Caching;
using Search.Gateway.Feedback;
using Search.Gateway.Ingest;
using Search.Gateway.Pipeline;
using Search.Gateway.QueryLog;
using Search.Gateway.Review;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Grpc;

/// <summary>
/// The gRPC front door: the (cached) search pipeline plus ingestion forwarded to retrieval. Every write drops the
/// cached answers citing the documents it touched before it answers, acknowledged or not (<see cref="WriteInvalidation"/>).
/// </summary>
public sealed class GatewayService(
    CachedSearch search,
    SearchPipeline pipeline,
    WriteInvalidation invalidation,
    Rpc.Retrieval.RetrievalClient retrieval,
    Deadlines deadlines,
    Admission admission,
    GatewayMetrics metrics,
    IFeedbackStore feedback,
    ReviewRules reviews,
    QueryLogWriter queryLog,
    IOptions<GatewayOptions> options)
    : Rpc.Gateway.GatewayBase
{
    public override async Task<Rpc.SearchResponse> Search(Rpc.SearchRequest request, ServerCallContext context)
    {
        try
        {
            var response = await search.SearchAsync(request.ToQuery(), context.Deadline, context.CancellationToken);
            return response.ToWire();
        }
        catch (Exception e) when (SearchRefusals.IsRefusal(e))
        {
            throw Refused(e);
        }
    }

    public override async Task SearchStream(Rpc.SearchRequest request, IServerStreamWriter<Rpc.SearchStreamEvent> responseStream, ServerCallContext context)
    {
        try
        {
            using var cost = CallCost.Begin();
            await pipeline.SearchStreamAsync(
                reviews.Apply(request.ToQuery()), context.Deadline,
                queryLog.Recording((e, ct) => responseStream.WriteAsync(e.Stamped(cost).ToWire(), ct)), context.CancellationToken);
        }
        catch (Exception e) when (SearchRefusals.IsRefusal(e))
        {
            throw Refused(e);
        }
    }

    public override async Task<Rpc.IngestResponse> UpsertDocuments(Rpc.UpsertDocumentsRequest request, ServerCallContext context)
    {
        // Refused documents are rejected here and never forwarded.
        var screen = new IngestScreen();
        var forwarded = new Rpc.UpsertDocumentsRequest { Documents = { request.Documents.Where(screen.Admit) } };
        if (forwarded.Documents.Count == 0)
        {
            return screen.Answer(null);
        }

        var deadline = IngestDeadline(context);
        var response = await Forward(() => invalidation.RunAsync(screen.ForwardedIds, screen.ForwardedTerms, deadline, () =>
            retrieval.UpsertDocumentsAsync(forwarded, deadline: deadline, cancellationToken: context.CancellationToken).ResponseAsync));
        return screen.Answer(response);
    }

    public override async Task<Rpc.IngestResponse> UpsertDocumentStream(IAsyncStreamReader<Rpc.Document> requestStream, ServerCallContext context)
    {
        var screen = new IngestScreen();
        var deadline = IngestDeadline(context);
        // Batches before a failure may have been committed: their answers go too (the ids are read at the end).
        return await Forward(() => invalidation.RunAsync(screen.ForwardedIds, screen.ForwardedTerms, deadline, async () =>
        {
            using var call = retrieval.UpsertDocumentStream(deadline: deadline, cancellationToken: context.CancellationToken);
            await foreach (var document in requestStream.ReadAllAsync(context.CancellationToken))
            {
                if (screen.Admit(document))
                {
                    await call.RequestStream.WriteAsync(document, context.CancellationToken);
                }
            }

            await call.RequestStream.CompleteAsync();
            return screen.Answer(await call.ResponseAsync);
        }));
    }

    public override async Task<Rpc.DeleteDocumentsResponse> DeleteDocuments(Rpc.DeleteDocumentsRequest request, ServerCallContext context)
    {
        var deadline = IngestDeadline(context);
        return await Forward(() => invalidation.RunAsync(request.DocumentIds, null, deadline, () =>
            retrieval.DeleteDocumentsAsync(request, deadline: deadline, cancellationToken: context.CancellationToken).ResponseAsync));
    }

    public override Task<Rpc.GetStatsResponse> GetStats(Rpc.GetStatsRequest request, ServerCallContext context) =>
        Forward(() => retrieval.GetStatsAsync(request, deadline: RetrievalDeadline(context), cancellationToken: context.CancellationToken).ResponseAsync);

    /// <summary>
    /// Retrieval alone, admitted like a search: it takes a slot and is refused when it cannot be served in time. What it
    /// cost comes back in the trailers (the response is retrieval's own message): <c>cpu-us-gateway</c> and
    /// <c>cpu-us-retrieval</c>, whole microseconds as <see cref="SearchResponse.Costs"/> counts them.
    /// </summary>
    public override async Task<Rpc.RetrieveResponse> Retrieve(Rpc.RetrieveRequest request, ServerCallContext context)
    {
        var deadline = RetrievalDeadline(context);
        using var cost = CallCost.Begin();
        try
        {
            using var ticket = await admission.EnterAsync(deadline, context.CancellationToken);
            return await Forward(async () =>
            {
                using var call = retrieval.SearchAsync(request, deadline: deadline, cancellationToken: context.CancellationToken);
                var response = await call.ResponseAsync;
                cost.AddCallee(Stages.Retrieval, call.GetTrailers());
                return response;
            });
        }
        catch (OverloadedException e)
        {
            throw Refused(e);
        }
        finally
        {
            var costs = RequestCosts.Of(cost);
            foreach (var stage in costs)
            {
                context.ResponseTrailers.Add($"{CallCost.TrailerName}-{stage.Stage}", CallCost.ToTrailer(TimeSpan.FromMilliseconds(stage.CpuMs)));
            }

            if (costs.Any(c => c.Stage == Stages.Retrieval))
            {
                // Only searches retrieval answered: a refusal is not a plain search.
                metrics.RecordRetrieveCosts(costs);
            }
        }
    }

    /// <summary>Checked by the same rules as REST feedback, and limited by the same per-address policy.</summary>
    [EnableRateLimiting(FeedbackApi.RateLimitPolicy)]
    public override async Task<Rpc.FeedbackResponse> Feedback(Rpc.FeedbackRequest request, ServerCallContext context)
    {
        var input = new FeedbackInput(
            request.Kind.ToFeedbackKindName(), request.Query, request.Answer, request.PassageId, request.ModelVersion, request.Correction);
        if (FeedbackRules.Validate(input, out var error) is not { } submission)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error));
        }

        try
        {
            return new Rpc.FeedbackResponse { Id = await feedback.RecordAsync(submission, context.CancellationToken) };
        }
        catch (DbException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the feedback store is unavailable, the feedback was not acknowledged and may not be stored: {e.Message}"));
        }
    }

    /// <summary>
    /// A search the pipeline refused: INVALID_ARGUMENT for bad input, UNAVAILABLE when retrieval is down, UNAVAILABLE
    /// with a retry-after entry in the trailers when admission control refused it before any stage saw it.
    /// </summary>
    private static RpcException Refused(Exception e) => e switch
    {
        BadSearchRequestException => new(new Status(StatusCode.InvalidArgument, e.Message)),
        OverloadedException overloaded => new(new Status(StatusCode.Unavailable, e.Message), new Metadata { { "retry-after", overloaded.RetryAfterSeconds } }),
        _ => new(new Status(StatusCode.Unavailable, e.Message)),
    };

    private DateTime RetrievalDeadline(ServerCallContext context) => deadlines.Earliest(context.Deadline, options.Value.RetrievalTimeoutMs);

    private DateTime IngestDeadline(ServerCallContext context) => deadlines.Earliest(context.Deadline, options.Value.IngestTimeoutMs);

    /// <summary>Retrieval's own status (INVALID_ARGUMENT, …) passes through; a missing retrieval is UNAVAILABLE with a message.</summary>
    private static async Task<T> Forward<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"retrieval is unavailable: {e.Status.Detail}"));
        }
    }
}
