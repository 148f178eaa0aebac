using Rpc = Search.Contracts.V1;

namespace Search.Answer.Grpc;

public sealed class AnswerService : Rpc.Answer.AnswerBase
{
}
