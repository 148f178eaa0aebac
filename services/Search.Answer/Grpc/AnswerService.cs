using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Search.Answer.Generation;
using Search.Reading;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Answer.Grpc;

public sealed class AnswerService(AnswerExtractor extractor, AnswerGenerator generator, AnswerModel model) : Rpc.Answer.AnswerBase
{
    public override Task<Rpc.AnswerResponse> Answer(Rpc.AnswerRequest request, ServerCallContext context)
    {
        var question = ValidQuestion(request);
        return Task.FromResult(Extract(question, request));
    }

    public override async Task AnswerStream(Rpc.AnswerRequest request, IServerStreamWriter<Rpc.AnswerStreamEvent> responseStream, ServerCallContext context)
    {
        var question = ValidQuestion(request);
        // The extractive answer is ready before the model is asked: it is what any failure falls back to.
        var extractive = Extract(question, request);
        var passages = request.Passages
            .Select(p => new GroundingPassage(p.Passage?.PassageId ?? "", p.Passage?.DocumentId ?? "", p.Passage?.Title ?? "", p.Passage?.Text ?? ""))
            .ToList();
        var outcome = await generator.GenerateAsync(
            question,
            passages,
            (token, ct) => responseStream.WriteAsync(new Rpc.AnswerStreamEvent { Token = token }, ct),
            context.CancellationToken);
        await responseStream.WriteAsync(new Rpc.AnswerStreamEvent { Result = ToResult(outcome, extractive) }, context.CancellationToken);
    }

    private static string ValidQuestion(Rpc.AnswerRequest request)
    {
        // Measured as it arrived: normalising first would do the work the limit is there to bound.
        if (TextLength.Exceeds(request.Question, TextNormalizer.MaxQueryLength))
        {
            ThrowInvalidArgument(TextLength.TooLong("question", request.Question, TextNormalizer.MaxQueryLength));
        }

        var question = TextNormalizer.Normalize(request.Question);
        if (question.Length == 0)
        {
            ThrowInvalidArgument("question must not be empty.");
        }

        return question;
    }

    private Rpc.AnswerResponse Extract(string question, Rpc.AnswerRequest request)
    {
        var passages = request.Passages
            .Select(p => new AnswerPassage(p.Passage?.Text ?? "", p.Score, p.RetrievalScore, p.Passage?.Title ?? "", Sentences(p)))
            .ToList();
        var result = extractor.Extract(question, ToExpected(request.Route, question), passages, read: !request.SkipReader);
        return ToResponse(result, request, model.Version);
    }

    /// <summary>The passage's sentences with their similarity to the query, as retrieval sent them and reading accepts them.</summary>
    private static List<ScoredSentence>? Sentences(Rpc.ScoredPassage passage) =>
        ScoredSentence.Accept([.. passage.Sentences.Where(s => s.Range is not null).Select(s => new ScoredSentence(new TextRange(s.Range.Start, s.Range.End), s.Similarity))]);

    [DoesNotReturn]
    private static void ThrowInvalidArgument(string message) =>
        throw new RpcException(new Status(StatusCode.InvalidArgument, message));

    private static ExpectedAnswer ToExpected(Rpc.Route? route, string question) =>
        AnswerExtractor.ExpectedFor(ToExpected(route?.AnswerType ?? Rpc.AnswerType.Unspecified), question);

    internal static ExpectedAnswer ToExpected(Rpc.AnswerType type) => type switch
    {
        Rpc.AnswerType.Person => ExpectedAnswer.Person,
        Rpc.AnswerType.Time => ExpectedAnswer.Time,
        Rpc.AnswerType.Number => ExpectedAnswer.Number,
        Rpc.AnswerType.Place => ExpectedAnswer.Place,
        _ => ExpectedAnswer.None,
    };

    private static Rpc.AnswerResponse ToResponse(AnswerResult result, Rpc.AnswerRequest request, string modelVersion)
    {
        var response = new Rpc.AnswerResponse { Shown = result.Shown, AbstainReason = result.AbstainReason, ReaderSkipped = result.ReaderSkipped };
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
            ModelVersion = modelVersion,
            ShortAnswerBy = result.ReadBy,
        };
        if (c.Shape == AnswerShape.Sentence && result.BestSpan is { } span)
        {
            response.Candidate.ShortAnswer = span.Answer.Of(request.Passages[span.PassageIndex].Passage.Text);
            if (span.PassageIndex == c.PassageIndex)
            {
                response.Candidate.ShortAnswerRange = new Rpc.TextSpan { Start = span.Answer.Start, End = span.Answer.End };
            }
        }

        return response;
    }

    private static Rpc.AnswerStreamResult ToResult(GenerationOutcome outcome, Rpc.AnswerResponse extractive)
    {
        var result = new Rpc.AnswerStreamResult
        {
            GeneratedShown = outcome.Shown,
            FallbackReason = outcome.FallbackReason,
            Extractive = extractive,
        };
        if (outcome.Text.Length > 0)
        {
            result.Generated = new Rpc.GeneratedAnswer { Text = outcome.Text };
            result.Generated.Citations.AddRange(outcome.Citations.Select(c =>
                new Rpc.Citation { Index = c.Index, PassageId = c.PassageId, DocumentId = c.DocumentId }));
        }

        return result;
    }
}
