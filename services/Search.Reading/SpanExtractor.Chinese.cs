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
        "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范範金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯司欧歐诸諸葛岳柳傅温溫康施洪倪柯纪紀邢骆駱殷翁齐齊聂聶鲁魯伍凌辛裴祝耿庞龐樊霍詹涂滕阮蓝藍卓蒲尤靳饶饒戚";

    /// <summary>Whether <paramref name="text"/> starts with a common Chinese surname, as a person's name would.</summary>
    internal static bool StartsWithSurname(string text) => text.Length > 0 && IsSurname(text[0]);

    private static bool IsSurname(char c) => Surnames.Contains(c, StringComparison.Ordinal);

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
        NoticePerson(s, found);
    }

    /// <summary>
    /// The people a notice names, as notices name them: after a role ("联系人为客服主管周晓岚", "由策展人許靜宜規劃",
    /// "主教练胡敏把…"), after a verb that takes a person ("任命林晓雯为…", "感謝使用者陳怡君", "请联系招聘负责人王勇", and
    /// "接替已到龄退休的周建国"), before a verb a person does ("王华攻入了…", "由馆员陈晓雯主讲") or before a form of address
    /// ("刘思源老师", "陳先生"). A notice's names are rarely in any list, so each must start with a known surname.
    /// </summary>
    private static void NoticePerson(string s, List<SpanCandidate> found)
    {
        foreach (Match m in NoticeRoleBefore().Matches(s))
        {
            AddSurnameName(s, m.Index + m.Length, found, 0.65);
        }

        foreach (Match m in NoticeVerbBefore().Matches(s))
        {
            AddSurnameName(s, m.Index + m.Length, found, 0.6);
        }

        foreach (Match m in NoticeVerbAfter().Matches(s))
        {
            if (SurnameNameBefore(s, m.Index) is var start and >= 0)
            {
                Add(found, start, m.Index, ExpectedAnswer.Person, 0.55);
            }
        }

        foreach (Match m in AddressAfterName().Matches(s))
        {
            if (SurnameNameBefore(s, m.Index) is var start and >= 0)
            {
                Add(found, start, m.Index, ExpectedAnswer.Person, 0.6);
            }
            else if (m.Index > 0 && IsSurname(s[m.Index - 1]))
            {
                // "陳先生", "林科員": a surname and the form of address are all a notice gives.
                Add(found, m.Index - 1, m.Index + m.Length, ExpectedAnswer.Person, 0.5);
            }
        }
    }

    /// <summary>Where a name of two or three characters that ends at <paramref name="end"/> starts (<see cref="MayBeName"/>); −1 where none does.</summary>
    private static int SurnameNameBefore(string s, int end) =>
        NameStart(s, end) is var start and >= 0 && end - start <= 3 && MayBeName(s, start) ? start : -1;

    /// <summary>
    /// Whether a name may start at <paramref name="start"/>: a known surname that does not begin one of the common words
    /// that start with a surname's character ("周末", "高度", "方面").
    /// </summary>
    private static bool MayBeName(string s, int start) =>
        IsSurname(s[start])
        && (start + 2 > s.Length || !WordsLikeNames.Contains(s.Substring(start, 2)));

    private static readonly HashSet<string> WordsLikeNames = new(StringComparer.Ordinal)
    {
        "周末", "周日", "周一", "周二", "周三", "周四", "周五", "周六", "周年", "周边", "周围", "週末", "週日", "週一", "週二", "週三",
        "週四", "週五", "週六", "週年", "週邊", "週圍", "高度", "高兴", "高興", "高速", "高峰", "高于", "高於", "方面", "方式", "方法",
        "方便", "方向", "方案", "任何", "任务", "任務", "金额", "金額", "程度", "严格", "嚴格", "向来", "向來", "白天", "万元", "萬元",
        "石头", "石頭", "马上", "馬上", "许多", "許多", "许可", "許可", "毛病", "江边", "江邊", "何时", "何時", "钱包", "錢包", "于是",
    };

    /// <summary>
    /// A name of two or three characters from <paramref name="start"/> (past "是", "为" or "為"), if it starts with a known
    /// surname; or a surname after "小" or "老", as a shop's staff are known ("店员小唐").
    /// </summary>
    private static void AddSurnameName(string s, int start, List<SpanCandidate> found, double prior)
    {
        if (start < s.Length && s[start] is '是' or '为' or '為')
        {
            start++;
        }

        if (start + 1 < s.Length && s[start] is '小' or '老' && IsSurname(s[start + 1])
            && (start + 2 == s.Length || EndsNickname(s[start + 2])))
        {
            Add(found, start, start + 2, ExpectedAnswer.Person, prior);
            return;
        }

        if (start >= s.Length || !MayBeName(s, start))
        {
            return;
        }

        var end = NameEnd(s, start);
        if (end - start >= 2)
        {
            Add(found, start, end, ExpectedAnswer.Person, prior);
        }
    }

    /// <summary>Whether <paramref name="next"/> may follow a nickname ("小唐处理", "老王負責", "小蔡。").</summary>
    private static bool EndsNickname(char next) =>
        !ChineseScript.IsHan(next) || Stop.Contains(next, StringComparison.Ordinal) || NameEndingVerbs.Contains(next, StringComparison.Ordinal)
        || "处處负負".Contains(next, StringComparison.Ordinal);

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

        // A third character that reads as a verb ("李渊定都") ends a two-character name, unless the name ends the clause
        // there ("招聘负责人陳磊建。").
        if (end - start == 3 && NameEndingVerbs.Contains(s[start + 2], StringComparison.Ordinal)
            && end < s.Length && ChineseScript.IsHan(s[end]))
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

    // Roles a notice puts before a name; "负责人为馆员陈思雨" names the role twice.
    [GeneratedRegex(@"(?:主管|经理|經理|主任|店长|店長|店员|店員|馆员|館員|管理员|管理員|负责人|負責人|联系人|聯絡人|聯繫人|承办人|承辦人|策展人|兽医师|獸醫師|兽医|獸醫|医师|醫師|医生|醫生|药师|藥師|护士|護士|律师|律師|主教练|主教練|总教练|總教練|教练|教練|前锋|前鋒|后卫|後衛|中场|中場|门将|門將|守门员|守門員|队长|隊長|研究员|研究員|工程师|工程師|设计师|設計師|摄影师|攝影師|指挥|指揮|总监|總監|执行长|執行長|总经理|總經理|首席[技执執财財运運营營]\p{IsCJKUnifiedIdeographs}?官|董事|会长|會長|理事长|理事長|社长|社長|秘书长|秘書長|科员|科員|讲师|講師|主持人|嘉宾|嘉賓|发言人|發言人|使用者|乘客|旅客|会员|會員|用户|用戶|市长|市長|区长|區長|院长|院長|局长|局長|处长|處長|所长|所長|厂长|廠長|站长|站長|园长|園長|演奏家|歌手|诗人|詩人|得主|选手|選手|冠军|冠軍|读者|讀者|居民|住户|住戶|市民|顾客|顧客|家长|家長|志愿者|志願者|网友|網友|(?:授课|授課)?(?:老师|老師)(?=[是为為]))")]
    private static partial Regex NoticeRoleBefore();

    // Verbs that take a person: "任命林晓雯为", "請洽林佩君", and a successor's name after the clause's "的".
    [GeneratedRegex(@"(?:任命|委任|聘任|聘请|聘請|感谢|感謝|联系|聯繫|联络|聯絡|请洽|請洽|洽询|洽詢|(?:接替|接任|继任|繼任|取代)[^，。；,;]{0,8}的)")]
    private static partial Regex NoticeVerbBefore();

    // Verbs a person does in a notice, after the name.
    [GeneratedRegex(@"(?<=\p{IsCJKUnifiedIdeographs})(?:负责|負責|主讲|主講|执棒|執棒|攻入|攻进|攻進|破门|破門|表示|指出|宣布|回报|回報|报告|報告|反馈|反饋|出任|接任|接替|规划|規劃|策划|策劃|执导|執導|授课|授課|任教|献给|獻給)")]
    private static partial Regex NoticeVerbAfter();

    // Forms of address after a name or a surname.
    [GeneratedRegex(@"(?:老师|老師|先生|女士|小姐|医师|醫師|医生|醫生|经理|經理|科员|科員|教授)")]
    private static partial Regex AddressAfterName();

    [GeneratedRegex(@"[秦汉漢晋晉隋唐宋元明清][\p{IsCJKUnifiedIdeographs}]{1,2}[帝宗祖]")]
    private static partial Regex EmperorName();

    [GeneratedRegex(@"(?:半岛|半島|平原|盆地|高原|沙漠|群岛|群島|机场|機場|大学|大學|[省市县縣区區镇鎮乡鄉村国國州岛島山河江湖洋海洲湾灣港峰岭嶺城宫宮寺庙廟府郡街路])")]
    private static partial Regex PlaceSuffix();

    [GeneratedRegex(@"(?:位于|位於|坐落于|坐落於|地处|地處|发源于|發源於|出生于|出生於|生于|生於|来自|來自|在|于|於)$")]
    private static partial Regex PlaceCueBefore();

    [GeneratedRegex(@"(?:位于|位於|坐落于|坐落於|地处|地處|发源于|發源於|出生于|出生於|生于|生於|来自|來自|首都是|首府是|总部设于|總部設於)")]
    private static partial Regex PlaceCueAfter();
}
