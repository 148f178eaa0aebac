using Grpc.Core;
using Search.TestKit;
using Rpc = Search.Contracts.V1;

namespace Search.Retrieval.Tests;

/// <summary>
/// A client for the Retrieval service over the service assembly's own message types. The service compiles
/// retrieval.proto with the server stub only; compiling it again here for a generated client would define
/// every message twice, so the calls are described from the descriptor instead.
/// </summary>
public sealed class RetrievalClient(CallInvoker invoker)
{
    private static readonly Method<Rpc.RetrieveRequest, Rpc.RetrieveResponse> SearchMethod =
        GrpcMethods.Unary<Rpc.RetrieveRequest, Rpc.RetrieveResponse>(Rpc.Retrieval.Descriptor, "Search");

    private static readonly Method<Rpc.UpsertDocumentsRequest, Rpc.IngestResponse> UpsertDocumentsMethod =
        GrpcMethods.Unary<Rpc.UpsertDocumentsRequest, Rpc.IngestResponse>(Rpc.Retrieval.Descriptor, "UpsertDocuments");

    private static readonly Method<Rpc.Document, Rpc.IngestResponse> UpsertDocumentStreamMethod =
        GrpcMethods.ClientStreaming<Rpc.Document, Rpc.IngestResponse>(Rpc.Retrieval.Descriptor, "UpsertDocumentStream");

    private static readonly Method<Rpc.DeleteDocumentsRequest, Rpc.DeleteDocumentsResponse> DeleteDocumentsMethod =
        GrpcMethods.Unary<Rpc.DeleteDocumentsRequest, Rpc.DeleteDocumentsResponse>(Rpc.Retrieval.Descriptor, "DeleteDocuments");

    private static readonly Method<Rpc.GetStatsRequest, Rpc.GetStatsResponse> GetStatsMethod =
        GrpcMethods.Unary<Rpc.GetStatsRequest, Rpc.GetStatsResponse>(Rpc.Retrieval.Descriptor, "GetStats");

    public AsyncUnaryCall<Rpc.RetrieveResponse> SearchAsync(Rpc.RetrieveRequest request, CancellationToken cancellationToken = default) =>
        invoker.AsyncUnaryCall(SearchMethod, null, new CallOptions(cancellationToken: cancellationToken), request);

    public AsyncUnaryCall<Rpc.IngestResponse> UpsertDocumentsAsync(Rpc.UpsertDocumentsRequest request, CancellationToken cancellationToken = default) =>
        invoker.AsyncUnaryCall(UpsertDocumentsMethod, null, new CallOptions(cancellationToken: cancellationToken), request);

    public AsyncClientStreamingCall<Rpc.Document, Rpc.IngestResponse> UpsertDocumentStream(CancellationToken cancellationToken = default) =>
        invoker.AsyncClientStreamingCall(UpsertDocumentStreamMethod, null, new CallOptions(cancellationToken: cancellationToken));

    public AsyncUnaryCall<Rpc.DeleteDocumentsResponse> DeleteDocumentsAsync(Rpc.DeleteDocumentsRequest request, CancellationToken cancellationToken = default) =>
        invoker.AsyncUnaryCall(DeleteDocumentsMethod, null, new CallOptions(cancellationToken: cancellationToken), request);

    public AsyncUnaryCall<Rpc.GetStatsResponse> GetStatsAsync(Rpc.GetStatsRequest request, CancellationToken cancellationToken = default) =>
        invoker.AsyncUnaryCall(GetStatsMethod, null, new CallOptions(cancellationToken: cancellationToken), request);
}
