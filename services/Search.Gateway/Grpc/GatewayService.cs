using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Grpc;

public sealed class GatewayService : Rpc.Gateway.GatewayBase
{
}
