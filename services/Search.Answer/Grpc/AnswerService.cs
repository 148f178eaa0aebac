using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Search.Answer.Extraction;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Answer.Grpc;

public sealed class AnswerService(AnswerExtractor extractor) : Rpc.Answer.AnswerBase
{
    public override Task<Rpc.AnswerResponse> Answer(Rpc.AnswerRequest request, ServerCallContext context)
    {
        var question = TextNormalizer.Normalize(request.Question);
        if (question.Length == 0)
        {
            ThrowInvalidArgument("question must not be empty.");
        }

        if (question.Length > TextNormalizer.MaxQueryLength)
        {
            ThrowInvalidArgument($"question must be at most {TextNormalizer.MaxQueryLength} characters.");
        }

        var passages = request.Passages
            .Select(p => new AnswerPassage(p.Passage?.Text ?? ""))
            .ToList();
        var result = extractor.Extract(question, ToExpected(request.Route, question), passages);
        return Task.FromResult(ToResponse(result, request));
    }

    [DoesNotReturn]
    private static void ThrowInvalidArgument(string message) =>
        throw new RpcException(new Status(StatusCode.InvalidArgument, message));

    private static ExpectedAnswer ToExpected(Rpc.Route? route, string question) => route?.AnswerType switch
    {
        Rpc.AnswerType.Person => ExpectedAnswer.Person,
        Rpc.AnswerType.Time => ExpectedAnswer.Time,
        Rpc.AnswerType.Number => ExpectedAnswer.Number,
        Rpc.AnswerType.Place => ExpectedAnswer.Place,
        _ => AnswerCues.Detect(question),
    };

    private static Rpc.AnswerResponse ToResponse(AnswerResult result, Rpc.AnswerRequest request)
    {
        var response = new Rpc.AnswerResponse { Shown = result.Shown, AbstainReason = result.AbstainReason };
        if (result.Candidate is not { } c)
        {
            return response;
        }

        var passage = request.Passages[c.PassageIndex].Passage;
        response.Candidate = new Rpc.AnswerBox
        {
            Text = c.Answer.Of(passage.Text),
            Passage = passage,
            AnswerStart = c.Answer.Start,
            AnswerEnd = c.Answer.End,
            Confidence = c.Confidence,
            Kind = c.Shape == AnswerShape.Span ? Rpc.AnswerKind.Span : Rpc.AnswerKind.Sentence,
            Sentence = new Rpc.TextSpan { Start = c.Sentence.Start, End = c.Sentence.End },
        };
        return response;
    }
}
