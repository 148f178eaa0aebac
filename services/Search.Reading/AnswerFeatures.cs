using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Reading;

/// <summary>
/// The features the answer model reads, one vector per answer option (a span or a whole sentence). The
/// order is part of the model file: <see cref="Names"/> is written into it and checked when it loads.
/// </summary>
public static partial class AnswerFeatures
{
    public const int SentenceOverlap = 0;
    public const int SentenceCoverage = 1;
    public const int SentenceProximity = 2;
    public const int SentenceRank = 3;
    public const int SentenceScore = 4;
    public const int SentenceMargin = 5;
    public const int PassageRank = 6;
    public const int RetrievalScore = 7;
    public const int Expected = 8;
    public const int QuestionForm = 9;
    public const int Chinese = 10;
    public const int IsSentence = 11;
    public const int Typed = 12;
    public const int Prior = 13;
    public const int Tokens = 14;
    public const int Chars = 15;
    public const int LeftDistance = 16;
    public const int RightDistance = 17;
    public const int Repeat = 18;
    public const int Position = 19;
    public const int Capitalized = 20;
    public const int HasDigit = 21;
    public const int Bracketed = 22;
    public const int QuestionTerms = 23;
    public const int Rivals = 24;
    public const int RankerScore = 25;
    public const int RankerMargin = 26;
    public const int Redundancy = 27;
    public const int PassageGap = 28;
    public const int Similarity = 29;
    public const int SimilarityRank = 30;
    public const int SimilarityGap = 31;
    public const int Count = 32;

    /// <summary>
    /// The features a model trained before sentence similarities (29) reads: a model names the features it was
    /// trained on, and a model without the similarity features neither reads them nor has the extra sentences read.
    /// </summary>
    public const int CountWithoutSimilarity = 29;

    /// <summary>The similarity features' value for a sentence without a vector (Chinese text, or retrieval without embeddings).</summary>
    public const float NoSimilarity = -1;

    /// <summary>Distance given when no question word sits on that side of the span.</summary>
    public const int FarAway = 30;

    public static readonly IReadOnlyList<string> Names =
    [
        "sentence_overlap", "sentence_coverage", "sentence_proximity", "sentence_rank", "sentence_score",
        "sentence_margin", "passage_rank", "retrieval_score", "expected_type", "question_form",
        "chinese", "is_sentence", "typed", "prior", "tokens", "chars", "left_distance", "right_distance", "repeat",
        "position", "capitalized", "has_digit", "bracketed", "question_terms", "rivals", "ranker_score", "ranker_margin",
        "redundancy", "passage_gap", "sentence_similarity", "similarity_rank", "similarity_gap",
    ];

    /// <summary>
    /// What the question's wording asks, beyond the router's answer type: 1 what, 2 which, 3 who, 4 when,
    /// 5 where, 6 how many/much, 7 how, 8 why, 9 what year/date; 0 for none. English and Chinese (either script).
    /// </summary>
    public static int Form(string question)
    {
        var zh = ChineseScript.ToSimplified(question);
        bool Has(string word) => zh.Contains(word, StringComparison.Ordinal);
        if (zh.Any(ChineseScript.IsHan))
        {
            return zh switch
            {
                _ when ChineseWhen().IsMatch(zh) => 4,
                _ when Has("为什么") || Has("为何") => 8,
                _ when ChineseWhere().IsMatch(zh) => 5,
                _ when Has("谁") => 3,
                _ when Has("多少") || Has("几") => 6,
                _ when Has("如何") || Has("怎") => 7,
                _ when Has("哪") => 2,
                _ when Has("什么") || Has("何") || Has("啥") => 1,
                _ => 0,
            };
        }

        var match = EnglishWh().Match(question);
        if (!match.Success)
        {
            return 0;
        }

        return match.Groups[1].Value.ToLowerInvariant() switch
        {
            "what" or "what's" when match.Groups[2].Success => 9,
            "what" or "what's" => 1,
            "which" or "whose" when match.Groups[2].Success => 9,
            "which" => 2,
            "who" or "whom" or "whose" => 3,
            "when" => 4,
            "where" => 5,
            "how" when match.Groups[3].Success => 6,
            "how" => 7,
            "why" => 8,
            _ => 0,
        };
    }

    [GeneratedRegex(@"\b(what's|what|which|whose|whom|who|when|where|how|why)\b(\s+(?:year|years|date|day|month|century|decade|time)\b)?(\s+(?:many|much|long|far|old|big|large|tall|often|high)\b)?", RegexOptions.IgnoreCase)]
    private static partial Regex EnglishWh();

    [GeneratedRegex("何时|什么时候|哪一?年|哪天|几月|几年|何年|哪个时")]
    private static partial Regex ChineseWhen();

    [GeneratedRegex("哪里|哪儿|何处|何地|在哪|哪个国家|哪座城市|哪个城市")]
    private static partial Regex ChineseWhere();
}
