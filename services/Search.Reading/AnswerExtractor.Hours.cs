using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Reading;

/// <summary>
/// Opening hours and other times of day given as ranges: "open Monday to Thursday from 9:00 to 20:00 and Friday from 9:00
/// to 17:00", "周二至周日上午9点至晚上8点". A question about closing is answered by the end of a range, one about opening by
/// its start, and one that names a day by the hours of that day.
/// </summary>
public sealed partial class AnswerExtractor
{
    /// <summary>Which end of a range of times the question asks for.</summary>
    internal enum RangeEnd
    {
        Either,
        Start,
        End,
    }

    /// <summary>
    /// "What time does … close", "幾點結束", "how late is … open", "开放到几点": the end; "when does … open", "几点开门": the
    /// start; both or neither: either.
    /// </summary>
    internal static RangeEnd AskedEnd(string question)
    {
        var en = question.ToLowerInvariant();
        var zh = ChineseScript.ToSimplified(question);
        if (UntilWhen().IsMatch(en) || UntilWhen().IsMatch(zh))
        {
            return RangeEnd.End;
        }

        var end = EnglishEnd().IsMatch(en) || ChineseEnd().IsMatch(zh);
        var start = EnglishStart().IsMatch(en) || ChineseStart().IsMatch(zh);
        return end == start ? RangeEnd.Either : end ? RangeEnd.End : RangeEnd.Start;
    }

    /// <summary>
    /// Time-of-day options that open a range ("9:00" of "9:00 to 17:00") are no answer to a question about closing, and
    /// those that close one are no answer to a question about opening, while an option of the asked end stands. Then,
    /// when the question names a day ("on Fridays", "周六"), an option governed by other days ("Monday to Thursday from
    /// 9:00 to 20:00") is no answer while one governed by that day stands; an option no day governs is left as it is.
    /// </summary>
    private static void MarkAskedHours(List<AnswerChoice> spans, string question, int day, IReadOnlyList<AnswerPassage> passages)
    {
        // The question first (its days, <paramref name="day"/>, as Read found them): most ask nothing of the kind, and the
        // options need not be looked at.
        var asked = AskedEnd(question);
        var part = PartOfDay(question);
        if (asked == RangeEnd.Either && day == 0 && part is null)
        {
            return;
        }

        var clocks = spans.Where(s => s.Eligible && s.Shape == AnswerShape.Span && Times(s.Answer.Of(passages[s.PassageIndex].Text)) > 0).ToList();
        if (clocks.Count < 2)
        {
            return;
        }

        if (asked != RangeEnd.Either)
        {
            // Each option's place in its range, and the end wanted of it: a range of closed hours ("closed from 8 pm to 6
            // am") starts where the asked closing is.
            var ends = clocks.Select(s =>
            {
                var text = passages[s.PassageIndex].Text;
                var (opens, closes) = (RangeFollows().IsMatch(After(text, s)), RangePrecedes().IsMatch(Before(text, s)));
                var stands = opens == closes ? RangeEnd.Either : opens ? RangeEnd.Start : RangeEnd.End;
                var wanted = !Closed(Before(text, s)) ? asked : asked == RangeEnd.End ? RangeEnd.Start : RangeEnd.End;
                return (Option: s, Stands: stands, Wanted: wanted, Times: Times(s.Answer.Of(text)));
            }).ToList();
            if (ends.Any(e => e.Stands == e.Wanted))
            {
                // The other end goes, and so does a phrase holding a whole range or more ("一至周五早上6点半至晚上9点半开放"):
                // it is less of an answer than its end.
                foreach (var e in ends.Where(e => (e.Stands != RangeEnd.Either && e.Stands != e.Wanted) || e.Times > 1))
                {
                    e.Option.Eligible = false;
                }
            }
        }

        var governed = day == 0 ? [] : clocks.Where(s => s.Eligible).Select(s => (Option: s, Days: Days(Before(passages[s.PassageIndex].Text, s), last: true))).ToList();
        if (governed.Any(g => (g.Days & day) != 0))
        {
            foreach (var (option, days) in governed.Where(g => g.Days != 0 && (g.Days & day) == 0))
            {
                option.Eligible = false;
            }
        }

        // "平日下午幾點開始看診" against "上午8點半至中午12點、下午2點至晚上6點": the afternoon's times, where the notice says which.
        if (part is not null)
        {
            var parted = clocks.Where(s => s.Eligible).Select(s => (Option: s, Part: PartOfDay(s.Answer.Of(passages[s.PassageIndex].Text)))).ToList();
            if (parted.Any(p => p.Part == part))
            {
                foreach (var (option, _) in parted.Where(p => p.Part is { } other && other != part))
                {
                    option.Eligible = false;
                }
            }
        }
    }

    /// <summary>The part of the day a Chinese text names (上午 and 早上 are one, 晚上 and 傍晚 another), or null.</summary>
    private static char? PartOfDay(string text) => ChinesePartOfDay().Match(ChineseScript.ToSimplified(text)) is { Success: true } m
        ? m.Value switch
        {
            "凌晨" or "清晨" or "早上" or "上午" => 'm',
            "中午" => 'n',
            "下午" => 'a',
            _ => 'e',
        }
        : null;

    [GeneratedRegex("凌晨|清晨|早上|上午|中午|下午|傍晚|晚上|夜间")]
    private static partial Regex ChinesePartOfDay();

    // What joins the days of a list: "Saturdays and Sundays", "周六、周日", "Friday or Saturday".
    [GeneratedRegex(@"^\s*(?:,|，|、|&|and|or|和|及|与|或)\s*$")]
    private static partial Regex DayJoiner();

    /// <summary>
    /// A question asking which day something is closed ("哪天店休", "星期几不开门", "Which day is … closed?") is answered by a
    /// day or date in a clause that says closed ("每周一店休", "closed on Sundays"), not by the opening days and hours
    /// beside it ("周二至周五上午7点至晚上8点营业"), when some clause read says closed.
    /// </summary>
    private static void MarkClosedDays(List<AnswerChoice> spans, string question, IReadOnlyList<AnswerPassage> passages)
    {
        var folded = ChineseScript.ToSimplified(question).ToLowerInvariant();
        if (!DayQuestion().IsMatch(folded) || !ClosedWords().IsMatch(folded))
        {
            return;
        }

        var options = spans.Where(s => s.Eligible && s.Shape == AnswerShape.Span).ToList();
        var closed = options.Where(s =>
        {
            var text = passages[s.PassageIndex].Text;
            return !SpanChoices.CrossesClauses(text, s.Answer)
                && ClosedWords().IsMatch(ChineseScript.ToSimplified(SpanChoices.ClauseOf(text, s.Sentence, s.Answer).Of(text)).ToLowerInvariant());
        }).ToHashSet();
        if (!closed.Any(s => s.Type == ExpectedAnswer.Time))
        {
            return;
        }

        // Every other option goes, the untyped phrases and those running across clauses too: the reader's
        // "周二至周五上午7点至晚上8点营业" would otherwise stand.
        foreach (var s in options.Where(d => !closed.Contains(d)))
        {
            s.Eligible = false;
        }
    }

    [GeneratedRegex(@"哪[一几]?天|星期[几天]|周几|礼拜[几天]|\b(?:which|what) days?\b")]
    private static partial Regex DayQuestion();

    // Closed, folded to Simplified and lower case: "闭馆", "店休", "公休", "不开门", "停驶", "closed", "shut"; not the 停 of
    // "停车" (a parking question: "停车收费听证会报名截止到哪天").
    [GeneratedRegex(@"闭|休|不开|不营业|关门|停业|停诊|停运|停驶|停开|暂停|\bclosed?\b|\bshut\b")]
    private static partial Regex ClosedWords();

    /// <summary>How many times of day <paramref name="span"/> states.</summary>
    private static int Times(string span) =>
        Math.Max(SpanExtractor.EnglishClock().Count(span), SpanExtractor.ChineseClock().Count(span));

    /// <summary>Whether the last word of opening or closing in <paramref name="before"/> is one of closing ("closed from", "封闭").</summary>
    private static bool Closed(string before)
    {
        var en = before.ToLowerInvariant();
        var zh = ChineseScript.ToSimplified(before);
        var closing = Math.Max(LastAt(EnglishEnd(), en), LastAt(ChineseEnd(), zh));
        return closing >= 0 && closing > Math.Max(LastAt(EnglishStart(), en), LastAt(ChineseStart(), zh));

        static int LastAt(Regex words, string text) => words.Matches(text) is { Count: > 0 } found ? found[^1].Index : -1;
    }

    /// <summary>The sentence's text before the option.</summary>
    private static string Before(string text, AnswerChoice option) => text[option.Sentence.Start..option.Answer.Start];

    /// <summary>The sentence's text after the option.</summary>
    private static string After(string text, AnswerChoice option) => text[option.Answer.End..Math.Max(option.Answer.End, option.Sentence.End)];

    /// <summary>
    /// The days of the week that <paramref name="text"/> names, one bit each (Monday 1, Sunday 64): "Monday to Thursday"
    /// is four, "weekends" and "周末" two, "daily" and "每天" all; with <paramref name="last"/>, only the last day phrase,
    /// which governs the times after it.
    /// </summary>
    internal static int Days(string text, bool last = false)
    {
        var phrases = DayPhrases(text);
        if (!last)
        {
            return phrases.Aggregate(0, (mask, p) => mask | p.Mask);
        }

        // The last phrase with those listed just before it: "on Saturdays and Sundays", "周六、周日".
        var days = 0;
        for (var i = phrases.Count - 1; i >= 0; i--)
        {
            days |= phrases[i].Mask;
            if (i == 0 || !DayJoiner().IsMatch(text[phrases[i - 1].End..phrases[i].Start].ToLowerInvariant()))
            {
                break;
            }
        }

        return days;
    }

    /// <summary>The day phrases of <paramref name="text"/> in order, each with its place, its words and its days.</summary>
    private static List<(int Start, int End, string Value, int Mask)> DayPhrases(string text)
    {
        // Lower case and Simplified script keep every character where it was.
        return EnglishDays().Matches(text.ToLowerInvariant()).Select(m => (m.Index, m.Index + m.Length, m.Value, Mask(m, EnglishDay)))
            .Concat(ChineseDays().Matches(ChineseScript.ToSimplified(text)).Select(m => (m.Index, m.Index + m.Length, m.Value, Mask(m, ChineseDay))))
            .OrderBy(p => p.Item1)
            .ToList();

        static int Mask(Match m, Func<string, int> day)
        {
            if (m.Groups["weekdays"].Success)
            {
                return 0b0011111;
            }

            if (m.Groups["weekend"].Success)
            {
                return 0b1100000;
            }

            if (m.Groups["all"].Success)
            {
                return 0b1111111;
            }

            var from = day(m.Groups["a"].Value);
            if (!m.Groups["b"].Success)
            {
                return 1 << from;
            }

            var to = day(m.Groups["b"].Value);
            var mask = 0;
            for (var d = from; ; d = (d + 1) % 7)
            {
                mask |= 1 << d;
                if (d == to)
                {
                    return mask;
                }
            }
        }
    }

    /// <summary>The terms of the day phrases <paramref name="text"/> holds ("wednesdai" of "on Wednesdays", "周三").</summary>
    private static HashSet<string> DayTerms(string text) =>
        DayPhrases(text).SelectMany(p => TextTokenizer.Terms(p.Value)).ToHashSet(StringComparer.Ordinal);

    private static int EnglishDay(string name) => name[..2] switch
    {
        "mo" => 0,
        "tu" => 1,
        "we" => 2,
        "th" => 3,
        "fr" => 4,
        "sa" => 5,
        _ => 6,
    };

    private static int ChineseDay(string name) => name switch
    {
        "一" => 0,
        "二" => 1,
        "三" => 2,
        "四" => 3,
        "五" => 4,
        "六" => 5,
        _ => 6,
    };

    private const string EnglishDayName = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";

    [GeneratedRegex(@"\b(?<a>" + EnglishDayName + @")s?(?:\s*(?:to|-|–|—|through|until|till)\s*(?<b>" + EnglishDayName + @")s?)?\b|\b(?<weekdays>weekdays?)\b|\b(?<weekend>weekends?)\b|\b(?<all>daily|every day)\b")]
    private static partial Regex EnglishDays();

    // Folded to Simplified: 週 is 周, 禮拜 礼拜.
    [GeneratedRegex(@"(?:周|星期|礼拜)(?<a>[一二三四五六日天])(?:\s*(?:至|到|-|–|—|~|～)\s*(?:周|星期|礼拜)?(?<b>[一二三四五六日天]))?|(?<weekend>周末)|(?<weekdays>平日|工作日)|(?<all>每天|每日|天天)")]
    private static partial Regex ChineseDays();

    [GeneratedRegex(@"\buntil what time\b|\bhow late\b|[到至](?:几点|几时)")]
    private static partial Regex UntilWhen();

    [GeneratedRegex(@"\b(?:close[sd]?|closing|shut|shuts|finish|finishes|end|ends|stop|stops)\b")]
    private static partial Regex EnglishEnd();

    // "opening hours" asks the whole range.
    [GeneratedRegex(@"\b(?:open|opens|reopen|reopens|start|starts|begin|begins)\b|\bopening\b(?!\s+(?:hours|times))|\bhow early\b")]
    private static partial Regex EnglishStart();

    [GeneratedRegex(@"关门|打烊|闭馆|结束|截止|收工|停止|下班|关闭|封闭|封路|收摊|散场")]
    private static partial Regex ChineseEnd();

    [GeneratedRegex(@"开门|开馆|开始|开工|开放(?!时间|时段)|上班|起跑|发车|开场|入场|进场|开球")]
    private static partial Regex ChineseStart();

    // What follows the start of a range ("9:00 to 17:00", "上午9点至晚上8点", "9:00–17:00").
    [GeneratedRegex(@"^\s*(?:(?:to|until|till)\b|[-–—~～至到])")]
    private static partial Regex RangeFollows();

    // What precedes the end of a range.
    [GeneratedRegex(@"(?:\b(?:to|until|till)|[-–—~～至到])\s*(?:凌晨|清晨|早上|上午|中午|下午|傍晚|晚上)?\s*$")]
    private static partial Regex RangePrecedes();
}
