using Search.TestKit;
using Grpc.Core;
using Rpc = Search.Contracts.V1;

namespace Search.Answer.Tests;

/// <summary>
/// A client for the Answer service built from the generated descriptor and message parsers.
/// The service project compiles answer.proto with the server stub only, and compiling it again
/// here as a client would define the same message types twice; a CallInvoker with a method
/// definition taken from the descriptor reuses the one set of generated messages.
/// </summary>
internal sealed class AnswerClient(CallInvoker invoker)
{
    private static readonly Method<Rpc.AnswerRequest, Rpc.AnswerResponse> AnswerMethod = CreateMethod();

    public AsyncUnaryCall<Rpc.AnswerResponse> AnswerAsync(Rpc.AnswerRequest request, CallOptions options = default) =>
        invoker.AsyncUnaryCall(AnswerMethod, null, options, request);

    private static Method<Rpc.AnswerRequest, Rpc.AnswerResponse> CreateMethod() =>
        GrpcMethods.Unary<Rpc.AnswerRequest, Rpc.AnswerResponse>(Rpc.Answer.Descriptor, "Answer");
}
