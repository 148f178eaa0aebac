using System.Data.Common;
using Grpc.Core;
using Search.Gateway.Pipeline;
using Search.Gateway.Review;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Grpc;

/// <summary>
/// The review console over gRPC: every call checks the reviewer key first, then does what the REST routes under
/// /api/review/ do (<see cref="ReviewDesk"/>). Bad input is INVALID_ARGUMENT, a retrieval that cannot be reached to
/// check a passage or a review store that does not answer UNAVAILABLE.
/// </summary>
public sealed class ReviewGrpcService(ReviewDesk desk, ReviewAuthorization authorization) : Rpc.Review.ReviewBase
{
    public override Task<Rpc.ReviewQueues> ListQueues(Rpc.ListQueuesRequest request, ServerCallContext context) =>
        Run(context, async ct => (await desk.QueuesAsync(request.Limit, ct)).ToWire());

    public override Task<Rpc.ReviewItem> GetItem(Rpc.GetItemRequest request, ServerCallContext context) =>
        Run(context, async ct => (await desk.ItemAsync(request.Query, ct)).ToWire());

    public override Task<Rpc.ReviewActionResponse> Confirm(Rpc.ConfirmRequest request, ServerCallContext context) =>
        Run(context, async ct => Acted(await desk.ConfirmAsync(request.ToInput(), ct)));

    public override Task<Rpc.ReviewActionResponse> Correct(Rpc.CorrectRequest request, ServerCallContext context) =>
        Run(context, async ct => Acted(await desk.CorrectAsync(request.ToInput(), ct)));

    public override Task<Rpc.ReviewActionResponse> Block(Rpc.BlockRequest request, ServerCallContext context) =>
        Run(context, async ct => Acted(await desk.BlockAsync(request.ToInput(), ct)));

    public override Task<Rpc.ReviewActionResponse> Undo(Rpc.UndoRequest request, ServerCallContext context) =>
        Run(context, async ct => Acted(await desk.UndoAsync(request.ActionId, ct)));

    public override Task<Rpc.ExportResponse> Export(Rpc.ExportRequest request, ServerCallContext context) =>
        Run(context, async ct => (await desk.ExportAsync(ct)).ToWire());

    private static Rpc.ReviewActionResponse Acted(ReviewAction action) => new() { Action = action.ToWire() };

    private async Task<T> Run<T>(ServerCallContext context, Func<CancellationToken, Task<T>> call)
    {
        authorization.Authorize(context);
        try
        {
            return await call(context.CancellationToken);
        }
        catch (BadSearchRequestException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (Exception e) when (SearchRefusals.IsRefusal(e))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }
        catch (DbException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, ReviewDesk.StoreUnavailable(e)));
        }
    }
}
