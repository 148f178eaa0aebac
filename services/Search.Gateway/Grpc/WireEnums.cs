using Search.Gateway.Feedback;
using Search.Gateway.Pipeline;
using Search.Text;
using Rpc = Search.Contracts.V1;

namespace Search.Gateway.Grpc;

/// <summary>
/// The one mapping of each wire enum to the gateway's own, both ways and by name, never by number. A wire
/// value this build does not know (a newer peer's) reads as "not specified"; a gateway value with no wire
/// name can only be a bug here, so it throws.
/// </summary>
public static class WireEnums
{
    public static TextLanguage ToGateway(this Rpc.Language language) => language switch
    {
        Rpc.Language.En => TextLanguage.English,
        Rpc.Language.ZhHans => TextLanguage.SimplifiedChinese,
        Rpc.Language.ZhHant => TextLanguage.TraditionalChinese,
        _ => TextLanguage.Unknown,
    };

    public static Rpc.Language ToWire(this TextLanguage language) => language switch
    {
        TextLanguage.Unknown => Rpc.Language.Unspecified,
        TextLanguage.English => Rpc.Language.En,
        TextLanguage.SimplifiedChinese => Rpc.Language.ZhHans,
        TextLanguage.TraditionalChinese => Rpc.Language.ZhHant,
        _ => throw Unmapped(language),
    };

    public static QueryIntent ToGateway(this Rpc.Intent intent) => intent switch
    {
        Rpc.Intent.Question => QueryIntent.Question,
        Rpc.Intent.Keyword => QueryIntent.Keyword,
        Rpc.Intent.Navigational => QueryIntent.Navigational,
        _ => QueryIntent.Unspecified,
    };

    public static Rpc.Intent ToWire(this QueryIntent intent) => intent switch
    {
        QueryIntent.Unspecified => Rpc.Intent.Unspecified,
        QueryIntent.Question => Rpc.Intent.Question,
        QueryIntent.Keyword => Rpc.Intent.Keyword,
        QueryIntent.Navigational => Rpc.Intent.Navigational,
        _ => throw Unmapped(intent),
    };

    /// <summary>The router's answer type (also what the answer service is sent) as the shared text rules name it.</summary>
    public static ExpectedAnswer ToGateway(this Rpc.AnswerType type) => type switch
    {
        Rpc.AnswerType.Person => ExpectedAnswer.Person,
        Rpc.AnswerType.Time => ExpectedAnswer.Time,
        Rpc.AnswerType.Number => ExpectedAnswer.Number,
        Rpc.AnswerType.Place => ExpectedAnswer.Place,
        _ => ExpectedAnswer.None,
    };

    public static Rpc.AnswerType ToWire(this ExpectedAnswer type) => type switch
    {
        ExpectedAnswer.None => Rpc.AnswerType.Unspecified,
        ExpectedAnswer.Person => Rpc.AnswerType.Person,
        ExpectedAnswer.Time => Rpc.AnswerType.Time,
        ExpectedAnswer.Number => Rpc.AnswerType.Number,
        ExpectedAnswer.Place => Rpc.AnswerType.Place,
        _ => throw Unmapped(type),
    };

    public static AnswerKind ToGateway(this Rpc.AnswerKind kind) => kind switch
    {
        Rpc.AnswerKind.Span => AnswerKind.Span,
        Rpc.AnswerKind.Sentence => AnswerKind.Sentence,
        _ => AnswerKind.Unspecified,
    };

    public static Rpc.AnswerKind ToWire(this AnswerKind kind) => kind switch
    {
        AnswerKind.Unspecified => Rpc.AnswerKind.Unspecified,
        AnswerKind.Span => Rpc.AnswerKind.Span,
        AnswerKind.Sentence => Rpc.AnswerKind.Sentence,
        _ => throw Unmapped(kind),
    };

    /// <summary>
    /// The feedback kind's REST name, so both doors go through one set of rules: empty when not specified, the number
    /// for a value this build does not know (the rules refuse both with a message).
    /// </summary>
    public static string ToFeedbackKindName(this Rpc.FeedbackKind kind) => kind switch
    {
        Rpc.FeedbackKind.Unspecified => "",
        Rpc.FeedbackKind.Helpful => FeedbackKinds.Helpful,
        Rpc.FeedbackKind.NotHelpful => FeedbackKinds.NotHelpful,
        Rpc.FeedbackKind.WrongAnswer => FeedbackKinds.WrongAnswer,
        _ => ((int)kind).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static ArgumentOutOfRangeException Unmapped<T>(T value)
        where T : struct, Enum =>
        new(nameof(value), value, $"{typeof(T).Name} {value} has no wire value");
}
