using Rpc = Search.Contracts.V1;

namespace Search.Retrieval.Grpc;

public sealed class RetrievalService : Rpc.Retrieval.RetrievalBase
{
}
