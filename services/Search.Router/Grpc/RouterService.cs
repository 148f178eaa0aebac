using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Search.Router.Routing;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Router.Grpc;

public sealed class RouterService(QueryRouter router, ILogger<RouterService> logger) : Rpc.Router.RouterBase
{
    public override Task<Rpc.RouteResponse> Route(Rpc.RouteRequest request, ServerCallContext context)
    {
        if (!router.TryRoute(request.Query, request.LanguageHint, out var route, out var error))
        {
            ThrowInvalidArgument(error);
        }

        logger.LogDebug("Routed query as {Intent} ({Language}), answer {ShouldAnswer}", route.Intent, route.Language, route.ShouldAnswer);
        return Task.FromResult(new Rpc.RouteResponse { Route = MapRoute(route) });
    }

    [DoesNotReturn]
    private static void ThrowInvalidArgument(string message) =>
        throw new RpcException(new Status(StatusCode.InvalidArgument, message));

    private static Rpc.Route MapRoute(QueryRoute route) => new()
    {
        NormalizedQuery = route.NormalizedQuery,
        Language = MapLanguage(route.Language),
        Intent = route.Intent switch
        {
            QueryIntent.Question => Rpc.Intent.Question,
            QueryIntent.Keyword => Rpc.Intent.Keyword,
            QueryIntent.Navigational => Rpc.Intent.Navigational,
            _ => Rpc.Intent.Unspecified,
        },
        AnswerType = route.AnswerType switch
        {
            ExpectedAnswer.Person => Rpc.AnswerType.Person,
            ExpectedAnswer.Time => Rpc.AnswerType.Time,
            ExpectedAnswer.Number => Rpc.AnswerType.Number,
            ExpectedAnswer.Place => Rpc.AnswerType.Place,
            _ => Rpc.AnswerType.Unspecified,
        },
        ShouldAnswer = route.ShouldAnswer,
        Reason = route.Reason,
    };

    private static Rpc.Language MapLanguage(TextLanguage language) => language switch
    {
        TextLanguage.English => Rpc.Language.En,
        TextLanguage.SimplifiedChinese => Rpc.Language.ZhHans,
        TextLanguage.TraditionalChinese => Rpc.Language.ZhHant,
        _ => Rpc.Language.Unspecified,
    };
}
