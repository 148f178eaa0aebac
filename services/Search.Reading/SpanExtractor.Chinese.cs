using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Reading;

public static partial class SpanExtractor
{
    // Both scripts are written out in every class below: the shared folding table is small,
    // and matching the original text keeps offsets exact.
    private const string Digit = "[0-9０-９]";
    private const string CnDigit = "[零〇一二三四五六七八九十百千两兩]";

    // Characters that end a name or a place when scanning backwards: function words, not name parts.
    private const string Stop = "的了在于於和与與及或并並而是为為被由从從到自往向经經至之将將把对對等、，。；：！？「」『』《》（）()\"“”'‘’ 　也都又就还還仍已曾所以其此这這那该該每各";

    private const string NameEndingVerbs = "定说說曾率称稱即继繼被把让讓令命派任封立建死卒生登去来來到攻出入回";

    private static readonly string Surnames =
        "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范範金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯司欧歐诸諸葛岳柳";

    private static void ChineseTime(string s, List<SpanCandidate> found)
    {
        AddMatches(found, ChineseDate().Matches(s), ExpectedAnswer.Time, 0.8);
        AddMatches(found, ChineseEra().Matches(s), ExpectedAnswer.Time, 0.6);
        AddMatches(found, ChineseClock().Matches(s), ExpectedAnswer.Time, 0.8);
        AddMatches(found, ChineseWeekday().Matches(s), ExpectedAnswer.Time, 0.6);
    }

    private static void ChineseNumber(string s, List<SpanCandidate> found)
    {
        foreach (Match m in ChineseQuantity().Matches(s))
        {
            var unit = m.Groups["u"].Value;
            var digits = m.Groups["n"].Value;
            // "1786年" and "3月" are dates, not quantities; "十二年" may be either and stays.
            if (unit is "年" && digits.Length == 4 && digits.All(char.IsAsciiDigit))
            {
                continue;
            }

            // A figure glued to Latin letters belongs to a name: the "3" of "S3", the "5" of "X5".
            if (m.Index > 0 && char.IsAsciiLetter(s[m.Index - 1]))
            {
                continue;
            }

            var end = m.Index + m.Length;
            if (end < s.Length && s[end] is '月' or '日' or '号' or '號')
            {
                continue;
            }

            // A bare figure of four digits from 1000 to 2099 is a year far more often than a count ("2027梧桐湖马拉松").
            if (m.Length == 4 && digits.Length == 4 && digits[0] is '1' or '2' && digits.All(char.IsAsciiDigit) && int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) <= 2099)
            {
                continue;
            }

            if (unit.Length == 0 && digits.All(c => !char.IsAsciiDigit(c)))
            {
                // A bare Chinese numeral ("一") is part of too many words to count as a number.
                continue;
            }

            // "一个", "一次" read as "a"/"once" far more often than as a count.
            var prior = unit.Length == 0 ? 0.45 : digits is "一" or "两" or "兩" ? 0.15 : 0.8;
            Add(found, m.Index, end, ExpectedAnswer.Number, prior);
        }
    }

    private static void ChinesePerson(string s, List<SpanCandidate> found)
    {
        foreach (Match m in TransliteratedName().Matches(s))
        {
            var start = TrimStopsForward(s, m.Index, m.Index + m.Length);
            Add(found, start, m.Index + m.Length, ExpectedAnswer.Person, 0.7);
        }

        foreach (Match m in PersonCueAfter().Matches(s))
        {
            var end = m.Index;
            // "系统地提出": a word ending in the adverb marker 地 (or 的, 得) before the verb is a manner, not a name.
            if (end > 0 && s[end - 1] is '地' or '的' or '得')
            {
                continue;
            }

            var start = NameStart(s, end);
            if (start >= 0)
            {
                Add(found, start, end, ExpectedAnswer.Person, Surnames.Contains(s[start], StringComparison.Ordinal) ? 0.6 : 0.2);
            }
        }

        foreach (Match m in PersonLifeDates().Matches(s))
        {
            var end = m.Index;
            var start = NameStart(s, end);
            if (start >= 0)
            {
                Add(found, start, end, ExpectedAnswer.Person, Surnames.Contains(s[start], StringComparison.Ordinal) ? 0.8 : 0.5);
            }
        }

        foreach (Match m in PersonTitleBefore().Matches(s))
        {
            var start = m.Index + m.Length;
            var end = NameEnd(s, start);
            if (end > start)
            {
                Add(found, start, end, ExpectedAnswer.Person, 0.6);
            }
        }

        AddMatches(found, EmperorName().Matches(s), ExpectedAnswer.Person, 0.6);
    }

    private static void ChinesePlace(string s, List<SpanCandidate> found)
    {
        foreach (Match m in PlaceSuffix().Matches(s))
        {
            var end = m.Index + m.Length;
            var start = end - m.Length;
            // Walk back over the name part until a function word or punctuation.
            // Countries and provinces have short names; without a segmenter a long walk swallows verbs.
            var limit = Math.Max(0, end - (m.Length > 1 ? m.Length + 4 : 4));
            while (start > limit && ChineseScript.IsHan(s[start - 1]) && !Stop.Contains(s[start - 1], StringComparison.Ordinal))
            {
                start--;
            }

            if (end - start >= 2)
            {
                var cue = PlaceCueBefore().IsMatch(s[Math.Max(0, start - 4)..start]);
                Add(found, start, end, ExpectedAnswer.Place, cue ? 0.75 : 0.5);
            }
        }

        foreach (Match m in PlaceCueAfter().Matches(s))
        {
            var start = m.Index + m.Length;
            var end = start;
            while (end < s.Length && end - start < 8 && ChineseScript.IsHan(s[end]) && !Stop.Contains(s[end], StringComparison.Ordinal))
            {
                end++;
            }

            if (end - start >= 2)
            {
                Add(found, start, end, ExpectedAnswer.Place, 0.55);
            }
        }
    }

    /// <summary>
    /// Where a Chinese name ends that stops at <paramref name="end"/>: a known surname two or three
    /// characters back, else two characters, never across punctuation or a function word.
    /// </summary>
    private static int NameStart(string s, int end)
    {
        var start = end;
        while (start > 0 && end - start < 4 && ChineseScript.IsHan(s[start - 1]) && !Stop.Contains(s[start - 1], StringComparison.Ordinal))
        {
            start--;
        }

        if (end - start < 2)
        {
            return -1;
        }

        for (var len = 3; len >= 2; len--)
        {
            if (end - len >= start && Surnames.Contains(s[end - len], StringComparison.Ordinal))
            {
                return end - len;
            }
        }

        // No known surname: the whole short run ("爱因斯坦", "詹天佑") is the best guess.
        return start;
    }

    private static int NameEnd(string s, int start)
    {
        var end = start;
        while (end < s.Length && end - start < 3 && ChineseScript.IsHan(s[end]) && !Stop.Contains(s[end], StringComparison.Ordinal))
        {
            end++;
        }

        // A third character that reads as a verb ("李渊定都") ends a two-character name.
        if (end - start == 3 && NameEndingVerbs.Contains(s[start + 2], StringComparison.Ordinal))
        {
            end--;
        }

        return end - start >= 2 ? end : start;
    }

    private static int TrimStopsForward(string s, int start, int end)
    {
        while (start < end && Stop.Contains(s[start], StringComparison.Ordinal))
        {
            start++;
        }

        return start;
    }

    [GeneratedRegex($@"(?:公元前?|西元前?|前)?(?:{Digit}{{1,4}}|{CnDigit}{{2,5}})年(?:(?:{Digit}{{1,2}}|{CnDigit}{{1,3}})月(?:(?:{Digit}{{1,2}}|{CnDigit}{{1,3}})[日号號])?)?(?:[初末底中]|代(?:[初末中]期?)?)?|(?:{Digit}{{1,2}}|{CnDigit}{{1,3}})月(?:(?:{Digit}{{1,2}}|{CnDigit}{{1,3}})[日号號])?(?:[初末底中]|上旬|中旬|下旬)?|(?:公元前?|西元前?)?(?:{Digit}{{1,2}}|{CnDigit}{{1,3}})世[纪紀](?:(?:{Digit}{{2}}|{CnDigit}{{2,3}})年代)?(?:[初末中]期?|上半[叶葉]|下半[叶葉])?")]
    private static partial Regex ChineseDate();

    // A time of day: "上午8点", "晚上9點半", "下午3时30分", "20:30".
    [GeneratedRegex(@"(?:凌晨|清晨|早上|上午|中午|下午|傍晚|晚上|夜间|夜間)?(?:[0-9]{1,2}|[零一二三四五六七八九十两兩]{1,3})[点點时時](?:[0-9]{1,2}分|[一二三四五六七八九十]{1,3}分|半|整)?|(?<![0-9:])[0-9]{1,2}:[0-9]{2}(?![0-9:])")]
    internal static partial Regex ChineseClock();

    // A day of the week, alone or recurring: "星期二", "週六", "每周一", "每月第一個星期二".
    [GeneratedRegex(@"(?:每[个個]?月的?第[一二三四五1-5][个個]?|每)?(?:星期|礼拜|禮拜|周|週)[一二三四五六日天](?![0-9年])")]
    private static partial Regex ChineseWeekday();

    [GeneratedRegex(@"(?:东汉|東漢|西汉|西漢|东晋|東晉|西晋|西晉|北宋|南宋|北魏|南朝|北朝|五代|战国|戰國|春秋|三国|三國|民国|民國|[夏商周秦汉漢晋晉隋唐宋元明清])(?:朝|代|时期|時期|末年|初年|年间|年間)")]
    private static partial Regex ChineseEra();

    [GeneratedRegex($@"(?<n>{Digit}+(?:[.,，]{Digit}+)*|{CnDigit}+)(?:多|余|餘)?(?:[万萬亿億千百])?(?:多|余|餘)?(?<u>平方公里|平方千米|平方米|平方英里|公里|千米|公尺|厘米|公分|毫米|米|英里|英尺|公斤|千克|克|吨|噸|公顷|公頃|亩|畝|美元|人民币|人民幣|元|英镑|英鎊|欧元|歐元|日元|港元|台币|台幣|个工作日|個工作日|个工作天|個工作天|工作日|工作天|个月|個月|个星期|個星期|星期|周|週|个|個|位|名|人|种|種|座|次|倍|岁|歲|年|天|小时|小時|分钟|分鐘|秒|度|条|條|件|家|所|间|間|层|層|场|場|届|屆|部|本|首|张|張|辆|輛|架|艘|只|隻|头|頭|匹|支|台|枚|项|項|页|頁|册|冊|集|章|节|節|篇|卷|字|株|颗|顆|户|戶|队|隊|%|％)?|百分之{CnDigit}+(?:[点點]{CnDigit}+)?")]
    private static partial Regex ChineseQuantity();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}{1,4}(?:[·•‧・]\p{IsCJKUnifiedIdeographs}{1,6})+")]
    private static partial Regex TransliteratedName();

    [GeneratedRegex(@"(?<=\p{IsCJKUnifiedIdeographs})(?:所著|所作|所写|所寫|所创|所創|提出|发明|發明|发现|發現|创立|創立|创建|創建|创办|創辦|建立|设计|設計|领导|領導|执导|執導|主演|撰写|撰寫|编写|編寫|编著|編著|主持|担任|擔任|率领|率領|指挥|指揮|继位|繼位|即位|登基|称帝|稱帝|首创|首創|命名|发表|發表|认为|認為|出生|逝世|去世)")]
    private static partial Regex PersonCueAfter();

    [GeneratedRegex($@"[（(]{Digit}{{3,4}}年")]
    private static partial Regex PersonLifeDates();

    [GeneratedRegex(@"(?:皇帝|国王|國王|女王|总统|總統|主席|教授|博士|作家|导演|導演|诗人|詩人|将军|將軍|总理|總理|首相|院士|画家|畫家|歌手|演员|演員|创始人|創始人|丞相|宰相|皇后|王后|君主|校长|校長|董事长|董事長|作者|学者|學者|科学家|科學家)")]
    private static partial Regex PersonTitleBefore();

    [GeneratedRegex(@"[秦汉漢晋晉隋唐宋元明清][\p{IsCJKUnifiedIdeographs}]{1,2}[帝宗祖]")]
    private static partial Regex EmperorName();

    [GeneratedRegex(@"(?:半岛|半島|平原|盆地|高原|沙漠|群岛|群島|机场|機場|大学|大學|[省市县縣区區镇鎮乡鄉村国國州岛島山河江湖洋海洲湾灣港峰岭嶺城宫宮寺庙廟府郡街路])")]
    private static partial Regex PlaceSuffix();

    [GeneratedRegex(@"(?:位于|位於|坐落于|坐落於|地处|地處|发源于|發源於|出生于|出生於|生于|生於|来自|來自|在|于|於)$")]
    private static partial Regex PlaceCueBefore();

    [GeneratedRegex(@"(?:位于|位於|坐落于|坐落於|地处|地處|发源于|發源於|出生于|出生於|生于|生於|来自|來自|首都是|首府是|总部设于|總部設於)")]
    private static partial Regex PlaceCueAfter();
}
