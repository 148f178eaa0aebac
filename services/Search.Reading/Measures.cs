using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Reading;

/// <summary>The kinds of quantity a question can ask for by its wording ("how much does it cost", "多高").</summary>
[Flags]
public enum Measure
{
    None = 0,
    Money = 1,
    Length = 2,
    Weight = 4,
    Duration = 8,
    People = 16,

    /// <summary>A time of day ("8:30", "6 pm", "上午8点"): asked by "what time", "how late", "几点".</summary>
    Clock = 32,

    /// <summary>A telephone number ("400-820-1688"): asked by "phone number", "hotline", "电话号码", "电话是多少", "热线".</summary>
    Phone = 64,
}

/// <summary>
/// What kind of quantity a question asks for, and what kinds a span states by its unit, in English and Chinese (either
/// script). The reader keeps only the options that state the asked kind when the sentences it reads hold one: "How much
/// does the K2 cost?" is answered by "59.99 euros", not by the "1.7" of "1.7-litre" in a sentence that names the K2
/// better; "星岚S3的售价" by "1299元", not by a weight. A question that names no measure, or sentences that state none,
/// leave the options as they are.
/// </summary>
public static partial class Measures
{
    /// <summary>The measures <paramref name="question"/> asks for (several where its words are ambiguous: "how long").</summary>
    public static Measure Asked(string question)
    {
        var en = question.ToLowerInvariant();
        var zh = ChineseScript.ToSimplified(question);
        var asked = Measure.None;
        if (EnglishMoney().IsMatch(en) || ChineseMoney().IsMatch(zh))
        {
            asked |= Measure.Money;
        }

        if ((EnglishLength().IsMatch(en) && !EnglishTimeSpan().IsMatch(en)) || ChineseLength().IsMatch(zh))
        {
            asked |= Measure.Length;
        }

        if (EnglishWeight().IsMatch(en) || ChineseWeight().IsMatch(zh))
        {
            asked |= Measure.Weight;
        }

        if (EnglishDuration().IsMatch(en) || ChineseDuration().IsMatch(zh))
        {
            asked |= Measure.Duration;
        }

        if (EnglishClock().IsMatch(en) || ChineseClock().IsMatch(zh))
        {
            asked |= Measure.Clock;
        }

        if (EnglishPhone().IsMatch(en) || ChinesePhone().IsMatch(zh))
        {
            asked |= Measure.Phone;
        }

        // Chinese only: an English count of people is as often a bare figure or "350 officials" as "350 people".
        if (ChinesePeople().IsMatch(zh))
        {
            asked |= Measure.People;
        }

        return asked;
    }

    /// <summary>The measures <paramref name="span"/> states: a figure with a unit of that kind ("45 pounds" is money or weight).</summary>
    public static Measure Stated(string span)
    {
        var en = span.ToLowerInvariant();
        var zh = ChineseScript.ToSimplified(span);
        var stated = Measure.None;
        stated |= UnitMoney().IsMatch(en) || ChineseUnitMoney().IsMatch(zh) ? Measure.Money : Measure.None;
        stated |= UnitLength().IsMatch(en) || ChineseUnitLength().IsMatch(zh) ? Measure.Length : Measure.None;
        stated |= UnitWeight().IsMatch(en) || ChineseUnitWeight().IsMatch(zh) ? Measure.Weight : Measure.None;
        stated |= UnitDuration().IsMatch(en) || ChineseUnitDuration().IsMatch(zh) ? Measure.Duration : Measure.None;
        stated |= UnitPeople().IsMatch(en) || ChineseUnitPeople().IsMatch(zh) ? Measure.People : Measure.None;
        // The same forms the span finders type as times of day.
        stated |= SpanExtractor.EnglishClock().IsMatch(span) || SpanExtractor.ChineseClock().IsMatch(span) ? Measure.Clock : Measure.None;
        stated |= SpanExtractor.LikelyPhoneNumbers(span).Any() ? Measure.Phone : Measure.None;
        return stated;
    }

    /// <summary>
    /// The measures that only their own kind answers: the time of day and a telephone number. A date is no answer to
    /// "what time", nor a batch number to "what is the hotline's number"; where the sentences read state neither there is
    /// no box (AnswerExtractor.MarkStrictMeasures).
    /// </summary>
    public const Measure Strict = Measure.Clock | Measure.Phone;

    /// <summary>
    /// The measures <paramref name="question"/> asks for (<paramref name="asked"/>, from <see cref="Asked"/>) that only
    /// their own kind answers: the time of day and a telephone number (<see cref="Strict"/>), and an amount of money when
    /// the question asks for one outright ("多少钱", "票价是多少", "how much does … cost", "what is the fee"), not when a
    /// charge is only its subject ("停车收费听证会在哪里开", "How much notice … before charging the new price?").
    /// </summary>
    public static Measure StrictlyAsked(string question, Measure asked)
    {
        var strict = asked & Strict;
        if (asked.HasFlag(Measure.Money)
            && (EnglishAmount().IsMatch(question.ToLowerInvariant()) || ChineseAmount().IsMatch(ChineseScript.ToSimplified(question))))
        {
            strict |= Measure.Money;
        }

        return strict;
    }

    /// <summary>
    /// Whether <paramref name="text"/> says something costs nothing ("Admission is free", "夜场门票免费"): an answer to a
    /// price asked outright (<see cref="StrictlyAsked"/>), though not an amount that a question naming a price in passing
    /// should be narrowed to.
    /// </summary>
    public static bool StatesFree(string text) =>
        EnglishFree().IsMatch(text.ToLowerInvariant()) || ChineseFree().IsMatch(ChineseScript.ToSimplified(text));

    /// <summary>
    /// Whether <paramref name="text"/> is only the word that says so ("free", "免費"), the span to emphasise in "Weekday
    /// sessions are free" for "How much is a weekday session?".
    /// </summary>
    public static bool IsFree(string text) => FreeWord().IsMatch(ChineseScript.ToSimplified(text.Trim().ToLowerInvariant()));

    /// <summary>
    /// Marks the span options that may be the answer: those that state a measure the question asks for, when at least
    /// one does; all of them otherwise. The others still count for their sentence's score, so a sentence shown whole
    /// is judged as before.
    /// </summary>
    public static void MarkEligible(List<AnswerChoice> spans, Measure asked, Func<AnswerChoice, string> text)
    {
        if (asked == Measure.None)
        {
            return;
        }

        KeepOnly(spans, spans.Select(s => (Stated(text(s)) & asked) != 0).ToList());
    }

    /// <summary>Leaves eligible only the options <paramref name="keep"/> marks, when it marks any; all options otherwise.</summary>
    private static void KeepOnly(List<AnswerChoice> spans, List<bool> keep)
    {
        if (!keep.Contains(true))
        {
            return;
        }

        for (var i = 0; i < spans.Count; i++)
        {
            spans[i].Eligible = keep[i];
        }
    }

    /// <summary>
    /// What an English "how many …" question counts ("calories" of "How many calories are in a serving?"), or null. The
    /// word is taken as it comes: "How many red lentils" counts "red", which no figure is followed by.
    /// </summary>
    public static string? Counted(string question)
    {
        var match = EnglishCounted().Match(question.ToLowerInvariant());
        return match.Success ? match.Groups["noun"].Value : null;
    }

    /// <summary>
    /// Marks the eligible span options that are followed in their passage by the counted word ("310 calories", "a
    /// 45-yard run"), when at least one is, as the only eligible ones: the count of the asked thing, not the figure of a
    /// sentence that names the subject better ("serves four"). <paramref name="after"/> gives the passage text that
    /// follows an option.
    /// </summary>
    public static void MarkCounted(List<AnswerChoice> spans, string? counted, Func<AnswerChoice, string> after)
    {
        if (counted is null)
        {
            return;
        }

        var stem = Stem(counted);
        KeepOnly(spans, spans.Select(s => s.Eligible && s.Type == ExpectedAnswer.Number
            && FollowingWord().Match(after(s).ToLowerInvariant()) is { Success: true } word && Stem(word.Groups["w"].Value) == stem).ToList());
    }

    /// <summary>A word with its plural ending and final e or y folded, so singular and plural meet: calorie/calories, city/cities.</summary>
    private static string Stem(string word)
    {
        var w = word.EndsWith("ies", StringComparison.Ordinal) ? word[..^3] + "i"
            : word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) ? word[..^1]
            : word;
        return w.EndsWith('e') ? w[..^1] : w.EndsWith('y') ? w[..^1] + "i" : w;
    }

    [GeneratedRegex(@"\bhow many (?:of (?:the|its|their|his|her) )?(?<noun>[a-z]+)")]
    private static partial Regex EnglishCounted();

    // The word right after a figure, past a hyphen or an adjective-free gap: "310 calories", "45-yard".
    [GeneratedRegex(@"^\s*-?\s*(?<w>[a-z]+)")]
    private static partial Regex FollowingWord();

    // Questions. English is matched lower-cased, Chinese folded to Simplified.
    // Wordings that ask for an amount outright, which both the money questions and the strict ones (StrictlyAsked) hold.
    private const string EnglishSum = @"\bhow much (?:is|are|was|were) (?:a|an|the|one|each)\b|\bwhat (?:is|was|are|were) the (?:\w+ )?(?:price|cost|fee|fare)s?\b";
    private const string ChineseSum = "多少钱|几块钱|几多钱|几钱|多少元|几元";

    // Words that say something costs nothing, in a sentence (StatesFree) or as the whole span (IsFree).
    private const string ChineseFreeWords = "免费|不收费|免收";

    [GeneratedRegex(@"\bhow much\b.*\b(?:cost|costs|price|priced|fee|fare|charge|charges|pay|paid|spend|spent)\b|" + EnglishSum)]
    private static partial Regex EnglishMoney();

    [GeneratedRegex(ChineseSum + "|售价|票价|价格|价钱|价位|报名费|费用|收费|租金|运费多少|月费|年费")]
    private static partial Regex ChineseMoney();

    [GeneratedRegex(@"\bhow much (?:does|do|did|will|would|should|is|are|was|were|has|have|to)\b[^?]*\b(?:cost|costs|pay|paid|charge|charged|spend|spent)\b|\bhow much money\b|" + EnglishSum)]
    private static partial Regex EnglishAmount();

    [GeneratedRegex(ChineseSum + "|(?:怎么|怎样|如何)收费|(?:价|费|租金|罚款)[^，。？?]{0,2}(?:多少|几多)")]
    private static partial Regex ChineseAmount();

    [GeneratedRegex(@"\bfree of charge\b|\b(?:is|are|be|for) free\b|\bno charge\b")]
    private static partial Regex EnglishFree();

    [GeneratedRegex(ChineseFreeWords)]
    private static partial Regex ChineseFree();

    [GeneratedRegex("^(?:free(?: of charge)?|no charge|" + ChineseFreeWords + ")$")]
    private static partial Regex FreeWord();

    [GeneratedRegex(@"\bhow (?:tall|high|long|wide|deep|far|big)\b|\bwhat (?:is|was) the (?:height|length|width|depth|distance)\b")]
    private static partial Regex EnglishLength();

    [GeneratedRegex(@"多高|多长(?!时间)|多宽|多深|多远|高度|长度|宽度|深度|距离多少")]
    private static partial Regex ChineseLength();

    [GeneratedRegex(@"\bhow long (?:ago|after|before|since|until)\b|\bfor how long\b|\bhow long (?:did|does|do|will|would|can|could|should|has|have|had)\b.*\b(?:take|last|wait|stay|live|run|serve|remain|survive|keep|simmer|cook|boil|bake)")]
    private static partial Regex EnglishTimeSpan();

    [GeneratedRegex(@"\bhow heavy\b|\bweigh(?:s|ed)?\b|\bwhat (?:is|was) the weight\b")]
    private static partial Regex EnglishWeight();

    [GeneratedRegex(@"多重|重量|多少公斤|多少克|几公斤")]
    private static partial Regex ChineseWeight();

    [GeneratedRegex(@"\bhow long\b|\bhow many (?:minutes|hours|days|weeks|months|years)\b")]
    private static partial Regex EnglishDuration();

    // "哪几天" asks which days, not how many.
    [GeneratedRegex(@"多久|多长时间|多少时间|几分钟|几个小时|几小时|多少分钟|多少小时|(?<!哪)几天|多少天")]
    private static partial Regex ChineseDuration();

    [GeneratedRegex(@"多少人|几人|几个人|多少名|几名|名额|人数")]
    private static partial Regex ChinesePeople();

    [GeneratedRegex(@"\bwhat time\b(?! (?:period|frame|zone|span|of (?:the )?year))|\bhow (?:late|early)\b|\bat what hour\b")]
    private static partial Regex EnglishClock();

    [GeneratedRegex(@"几点|几时几分")]
    private static partial Regex ChineseClock();

    // Not "Who invented the telephone?" nor "谁发明了电话".
    [GeneratedRegex(@"\b(?:tele)?phone numbers?\b|\bhotline\b|\bhelpline\b|\bwhat number\b.*\b(?:call|ring|dial)\b|\bnumber (?:do|should|can) (?:i|you|we|they|people) (?:call|ring|dial)\b")]
    private static partial Regex EnglishPhone();

    [GeneratedRegex(@"电话号码|电话(?:是)?多少|热线|专线|手机号")]
    private static partial Regex ChinesePhone();

    // Spans.
    [GeneratedRegex(@"[$£€¥]|\d\s*(?:euros?|dollars?|pounds?|pence|cents?|yuan|yen|francs?|usd|eur|gbp|rmb)\b")]
    private static partial Regex UnitMoney();

    /// <summary>A Chinese figure just before its unit ("3,490", "1.5万", "两个", "半").</summary>
    private const string Figure = @"[0-9一二三四五六七八九十两半][多余]?[万亿千百]?[多余]?(?:个)?\s*";

    [GeneratedRegex(Figure + @"(?:元|块|美元|欧元|英镑|日元|港元|台币|人民币)")]
    private static partial Regex ChineseUnitMoney();

    [GeneratedRegex(@"\d\s*-?\s*(?:m|km|cm|mm|metres?|meters?|kilomet(?:re|er)s?|centimet(?:re|er)s?|feet|foot|ft|inch(?:es)?|miles?|yards?)\b")]
    private static partial Regex UnitLength();

    [GeneratedRegex(Figure + @"(?:公尺|公里|千米|厘米|公分|毫米|英尺|英里|米)")]
    private static partial Regex ChineseUnitLength();

    [GeneratedRegex(@"\d\s*-?\s*(?:kg|g|grams?|kilograms?|pounds?|lbs?|ounces?|oz|tons?|tonnes?)\b")]
    private static partial Regex UnitWeight();

    [GeneratedRegex(Figure + @"(?:公斤|千克|公克|克|吨|斤)")]
    private static partial Regex ChineseUnitWeight();

    [GeneratedRegex(@"\d\s*(?:(?:hundred|thousand|million|billion)\s*)?-?\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|decades?)\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|a few|several) (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b")]
    private static partial Regex UnitDuration();

    // A year needs a short figure: "3年" is a duration, "2026年" a date.
    [GeneratedRegex(Figure + @"(?:秒|分钟|小时|钟头|天|工作日|工作天|周|星期|个月|(?<![0-9]{3}\s*)年)")]
    private static partial Regex ChineseUnitDuration();

    [GeneratedRegex(@"\d\s*(?:people|persons)\b")]
    private static partial Regex UnitPeople();

    [GeneratedRegex(Figure + @"(?:人|名)")]
    private static partial Regex ChineseUnitPeople();
}
