using Rpc = Search.Contracts.V1;

namespace Search.Rerank.Grpc;

public sealed class RerankService : Rpc.Rerank.RerankBase
{
}
