using Rpc = Search.Contracts.V1;

namespace Search.Router.Grpc;

public sealed class RouterService : Rpc.Router.RouterBase
{
}
