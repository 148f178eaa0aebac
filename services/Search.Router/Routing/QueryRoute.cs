using Search.Text;

namespace Search.Router.Routing;

/// <summary>What the person wants from a query.</summary>
public enum QueryIntent
{
    Question = 1,
    Keyword = 2,
    Navigational = 3,
}

/// <summary>The router's decision about one query.</summary>
public sealed record QueryRoute(
    string NormalizedQuery,
    TextLanguage Language,
    QueryIntent Intent,
    ExpectedAnswer AnswerType,
    bool ShouldAnswer,
    string Reason);
