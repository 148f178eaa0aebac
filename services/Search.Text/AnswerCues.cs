using System.Text.RegularExpressions;

namespace Search.Text;

/// <summary>The kind of short answer a question asks for.</summary>
public enum ExpectedAnswer
{
    None = 0,
    Person = 1,
    Time = 2,
    Number = 3,
    Place = 4,
}

/// <summary>
/// English and Chinese cues that tell what a question asks for, shared by the router
/// (to route) and the answer service (to extract a span of that type). A question in Cantonese is read in standard
/// written Chinese (<see cref="CantoneseQuestion"/>).
/// </summary>
public static partial class AnswerCues
{
    /// <summary>The answer type <paramref name="question"/> asks for, or <see cref="ExpectedAnswer.None"/>.</summary>
    public static ExpectedAnswer Detect(string question)
    {
        if (string.IsNullOrWhiteSpace(question))
        {
            return ExpectedAnswer.None;
        }

        var zh = ChineseScript.ToSimplified(CantoneseQuestion.ToStandard(question));
        if (ChineseTime().IsMatch(zh))
        {
            return ExpectedAnswer.Time;
        }

        if (ChineseNumber().IsMatch(zh))
        {
            return ExpectedAnswer.Number;
        }

        if (ChinesePerson().IsMatch(zh))
        {
            return ExpectedAnswer.Person;
        }

        if (ChinesePlace().IsMatch(zh))
        {
            return ExpectedAnswer.Place;
        }

        var en = question.ToLowerInvariant();
        if (EnglishTime().IsMatch(en))
        {
            return ExpectedAnswer.Time;
        }

        if (EnglishNumber().IsMatch(en))
        {
            return ExpectedAnswer.Number;
        }

        if (EnglishPerson().IsMatch(en))
        {
            return ExpectedAnswer.Person;
        }

        if (EnglishPlace().IsMatch(en))
        {
            return ExpectedAnswer.Place;
        }

        return ExpectedAnswer.None;
    }

    /// <summary>True when the text reads as a question in English or Chinese.</summary>
    public static bool LooksLikeQuestion(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.EndsWith('?') || trimmed.EndsWith('？'))
        {
            return true;
        }

        return EnglishQuestionStart().IsMatch(trimmed.ToLowerInvariant())
            || ChineseQuestion().IsMatch(ChineseScript.ToSimplified(CantoneseQuestion.ToStandard(trimmed)));
    }

    [GeneratedRegex(@"\b(when|what (year|years|date|day|month|time|century|decade|era|period)|which (year|date|day|month|century|decade)|how long ago|since when|by when|until when|what(?:'s| is| was| are| were) the (?:\w+ )?(?:deadline|closing date|due date|start date|end date|opening date|date)s?)\b")]
    private static partial Regex EnglishTime();

    [GeneratedRegex(@"\b(how (many|much|long|old|far|big|large|high|tall|deep|wide|heavy|fast|often)|what (percentage|percent|number|amount|proportion|size|population)|at what (age|speed|temperature|rate))\b")]
    private static partial Regex EnglishNumber();

    [GeneratedRegex(@"\b(who|whom|whose|which (person|people|scientist|president|king|queen|emperor|author|artist|player|team|company|man|woman)|what (person|scientist|president|king|queen|emperor|author|artist|company|team|group|organization|band)|name of the (person|man|woman|author))\b")]
    private static partial Regex EnglishPerson();

    [GeneratedRegex(@"\b(where|what (country|countries|city|cities|state|region|continent|place|location|river|ocean|sea|island|mountain|town|province|area)|which (country|countries|city|state|region|continent|place|river|ocean|sea|island|mountain|town|province|area)|in what (country|city|state|region|place|town|province))\b")]
    private static partial Regex EnglishPlace();

    [GeneratedRegex(@"^(who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|can|could|will|would|should|has|have|had)\b")]
    private static partial Regex EnglishQuestionStart();

    [GeneratedRegex(@"(什么时候|何时|哪[一几]?年|哪[一几]?天|哪个月|几月|几号|几时|几点(?![建意看原])|星期几|周几|礼拜几|哪个朝代|什么年代|哪个世纪|什么时间|哪一时期|年份|日期是)")]
    private static partial Regex ChineseTime();

    [GeneratedRegex(@"(多少|几[个位名次岁年种条座家部本只天千万百十]|多[大长高远重久深宽快厚]|百分之几|几成)")]
    private static partial Regex ChineseNumber();

    [GeneratedRegex(@"(谁|哪位|哪一位|什么人|何人|哪个人|哪些人|哪个作家|哪个皇帝)")]
    private static partial Regex ChinesePerson();

    [GeneratedRegex(@"(哪里|哪儿|在哪|何处|何地|什么地方|哪个(国家|城市|省|地区|洲|地方)|哪座|哪国|位于哪)")]
    private static partial Regex ChinesePlace();

    [GeneratedRegex(@"(吗|呢|什么|谁|哪|多少|多[大长高远重久深宽快厚]|几|怎么|怎样|为什么|如何|是否|何|是不是)")]
    private static partial Regex ChineseQuestion();
}
