using System.Globalization;

namespace Search.Evaluation.Synthetic;

/// <summary>
/// The values of one notice's slots, made up on first use and then fixed, so a slot named twice (in the subject and a
/// fact, or in a fact and its question) says the same thing. Names, places and organisations are coined from syllables
/// (English) or characters (Chinese), so no notice names a real one. A slot the kind has a pool for takes a value from
/// it; the others are the general ones below (a trailing 2 asks for a second, different value of the same kind).
/// </summary>
public sealed class NoticeSlots(NoticeKind kind, string language, Random random)
{
    private static readonly string[] Starts = ["Bram", "Cal", "Dun", "El", "Fen", "Gar", "Hol", "Kes", "Lin", "Mor", "Nor", "Pen", "Quar", "Ros", "Sel", "Tam", "Ver", "Wick", "Ash", "Brook"];
    private static readonly string[] Ends = ["ley", "ford", "more", "wick", "ton", "by", "stead", "mere", "wood", "field", "gate", "haven"];
    private static readonly string[] FirstNames = ["Amelia", "Rohan", "Greta", "Tomasz", "Leila", "Owen", "Priya", "Mateo", "Hannah", "Kwame", "Sofia", "Declan", "Yuki", "Farah", "Niall", "Ingrid"];
    private static readonly string[] LastNames = ["Ashdown", "Okonkwo", "Varga", "Lindell", "Mercer", "Castell", "Haldane", "Nakamura", "Petrov", "Quill", "Rafferty", "Sandoval", "Thorne", "Whitlock", "Adeyemi", "Brandt"];
    private static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private static readonly string[] ChineseWeekdays = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];
    private static readonly string[] Floors = ["ground floor", "first floor", "second floor", "third floor", "fourth floor"];
    private static readonly string[] SimplifiedFloors = ["一楼", "二楼", "三楼", "四楼", "五楼"];
    private static readonly string[] TraditionalFloors = ["一樓", "二樓", "三樓", "四樓", "五樓"];

    // Aligned lists: the same surname, given character or name character in each script.
    private static readonly string[] SimplifiedSurnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] TraditionalSurnames = ["王", "李", "張", "劉", "陳", "楊", "黃", "趙", "吳", "周", "徐", "孫", "馬", "朱", "胡", "郭", "何", "林", "羅", "高"];
    private static readonly string[] SimplifiedGiven = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "文", "华", "建", "玉", "志", "红", "海", "晓"];
    private static readonly string[] TraditionalGiven = ["偉", "芳", "娜", "敏", "靜", "麗", "強", "磊", "軍", "洋", "勇", "豔", "傑", "娟", "濤", "明", "超", "秀", "霞", "平", "剛", "桂", "文", "華", "建", "玉", "志", "紅", "海", "曉"];
    private static readonly string[] SimplifiedNameChars = ["青", "川", "云", "溪", "石", "岭", "枫", "桥", "湖", "松", "泉", "星", "安", "和", "宁", "源", "丰", "嘉", "禾", "远"];
    private static readonly string[] TraditionalNameChars = ["青", "川", "雲", "溪", "石", "嶺", "楓", "橋", "湖", "松", "泉", "星", "安", "和", "寧", "源", "豐", "嘉", "禾", "遠"];

    // Traditional to Simplified for the characters names are coined from: a name coined in both scripts is one name.
    private static readonly Dictionary<char, char> Fold = TraditionalNameChars.Concat(TraditionalSurnames).Concat(TraditionalGiven)
        .Zip(SimplifiedNameChars.Concat(SimplifiedSurnames).Concat(SimplifiedGiven), (t, s) => (T: t[0], S: s[0]))
        .DistinctBy(p => p.T)
        .ToDictionary(p => p.T, p => p.S);

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    // What each slot's value names, the same in every script: its coined names folded to Simplified and the positions
    // of the pool values it took (the pools of a kind list the same things in the same order in each language).
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly System.Text.StringBuilder _trace = new();
    private readonly NoticeText _text = kind.Languages[language];

    private bool English => language == NoticeKinds.English;

    private bool Simplified => language == NoticeKinds.Simplified;

    /// <summary>The value of <paramref name="slot"/> in this notice.</summary>
    public string this[string slot]
    {
        get
        {
            if (!_values.TryGetValue(slot, out var value))
            {
                // A second slot of a kind ("person2") differs from the first.
                var first = slot.EndsWith('2') ? _values.GetValueOrDefault(slot[..^1]) : null;
                do
                {
                    _trace.Clear();
                    value = Make(slot.TrimEnd('2'), second: slot.EndsWith('2'));
                }
                while (value == first);
                _values[slot] = value;
                _names[slot] = _trace.Length > 0 ? _trace.ToString() : value;
            }

            return value;
        }
    }

    /// <summary>
    /// What <paramref name="slots"/> name, alike in every script ("雲嘉杯" and "云嘉杯" are one cup): two notices whose
    /// questions name the same things are about the same thing, and a question one leaves unanswered the other may answer.
    /// </summary>
    public string Identity(IEnumerable<string> slots) =>
        string.Join('|', slots.Select(slot => { _ = this[slot]; return _names[slot]; }));

    private string Make(string slot, bool second)
    {
        if (_text.Pools.TryGetValue(slot, out var pool))
        {
            return PickTraced(slot, pool);
        }

        return slot switch
        {
            "person" => English ? $"{Pick(FirstNames)} {Pick(LastNames)}" : Surname() + Given() + (random.Next(3) > 0 ? Given() : ""),
            "place" => English ? Coined() : Coined() + Pick<string>(Simplified ? ["市", "镇", "区"] : ["市", "鎮", "區"]),
            "street" => English ? $"{Coined()} {Pick<string>(["Road", "Street", "Lane"])}" : Coined() + Pick<string>(["路", "街", "大道"]),
            "org" => English ? $"{Coined()} {Pool("orgkind")}" : Coined() + Pool("orgkind"),
            "venue" => English ? $"{Coined()} {Pool("venuekind")}" : Coined() + Pool("venuekind"),
            "team" => English ? $"{Coined()} {Pool("teamkind")}" : Coined() + Pool("teamkind"),
            "cup" => English ? $"{Coined()} Cup" : Coined() + "杯",
            "product" => English ? $"{Coined()} {Code()} {Pool("item")}" : Coined() + Code() + Pool("item"),
            "date" => Date(second),
            "time" => Time(second),
            "price" => Money(random.Next(kind.PriceMin, kind.PriceMax + 1)),
            "salary" => Money(random.Next(24, 69) * 1_000),
            "prize" => Money(random.Next(5, 81) * 1_000),
            "hours" => Unit(Pick<int>([20, 25, 30, 35, 37, 40]), "hours", "小时", "小時"),
            "days" => Unit(random.Next(20, 33), "days", "天", "天"),
            "weeks" => Unit(random.Next(6, 13), "weeks", "周", "週"),
            "batch" => $"{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}{random.Next(2401, 2613)}",
            "units" => Count(random.Next(20, 600) * 100),
            "crowd" => Count(random.Next(30, 420) * 100),
            "households" => Count(random.Next(15, 240) * 10),
            "count" => Count(random.Next(40, 600)),
            "seats" => random.Next(8, 21).ToString(CultureInfo.InvariantCulture),
            "rooms" => random.Next(3, 10).ToString(CultureInfo.InvariantCulture),
            "age" => random.Next(12, 19).ToString(CultureInfo.InvariantCulture),
            "year" => Year(random.Next(1978, 2021)),
            "phone" => English ? $"0800 {random.Next(100, 1000)} {random.Next(1000, 10000)}" : $"400-{random.Next(100, 1000)}-{random.Next(1000, 10000)}",
            "score" => Score(),
            "floor" => Pick(English ? Floors : Simplified ? SimplifiedFloors : TraditionalFloors),
            "weekday" => Pick(English ? Weekdays : ChineseWeekdays),
            "room" => English ? $"Room {random.Next(101, 321)}" : $"{random.Next(101, 321)}教室",
            _ => throw new InvalidOperationException($"notice kind {kind.Name} ({language}) has no value for the slot {{{slot}}}"),
        };
    }

    // A day in the ten months from December 2026; the second ("date2") two weeks to four months after the first.
    private string Date(bool second)
    {
        _firstDay ??= new DateOnly(2026, 12, 1).AddDays(random.Next(0, 300));

        var day = second ? _firstDay.Value.AddDays(random.Next(14, 120)) : _firstDay.Value;
        return English ? $"{day.Day} {Months[day.Month - 1]} {day.Year}" : $"{day.Year}年{day.Month}月{day.Day}日";
    }

    private DateOnly? _firstDay;

    // A time in the morning; the second ("time2") three to nine hours after the first.
    private string Time(bool second)
    {
        _firstHour ??= random.Next(7, 13);
        var hour = second ? _firstHour.Value + random.Next(3, 10) : _firstHour.Value;
        return $"{hour}:{Pick<string>(["00", "15", "30", "45"])}";
    }

    private int? _firstHour;

    private string Money(int amount) => English
        ? $"{amount.ToString("N0", CultureInfo.InvariantCulture)} {Pick<string>(["pounds", "euros"])}"
        : $"{amount * 8}元";

    private string Count(int n) => English ? n.ToString("N0", CultureInfo.InvariantCulture) : n.ToString(CultureInfo.InvariantCulture);

    private string Unit(int n, string english, string simplified, string traditional) =>
        $"{n}{(English ? " " + english : Simplified ? simplified : traditional)}";

    private string Year(int year) => English ? year.ToString(CultureInfo.InvariantCulture) : $"{year}年";

    private string Score()
    {
        var losing = random.Next(0, 3);
        var winning = losing + random.Next(1, 3);
        return English ? $"{winning}-{losing}" : $"{winning}比{losing}";
    }

    private string Code() => $"{(char)('A' + random.Next(26))}{random.Next(2, 10)}";

    private string Coined()
    {
        if (English)
        {
            return Pick(Starts) + Pick(Ends);
        }

        var chars = Simplified ? SimplifiedNameChars : TraditionalNameChars;
        var a = random.Next(chars.Length);
        var b = (a + 1 + random.Next(chars.Length - 1)) % chars.Length;
        return Traced(chars[a] + chars[b]);
    }

    private string Surname() => Traced((Simplified ? SimplifiedSurnames : TraditionalSurnames)[random.Next(SimplifiedSurnames.Length)]);

    private string Given() => Traced((Simplified ? SimplifiedGiven : TraditionalGiven)[random.Next(SimplifiedGiven.Length)]);

    private string Pool(string name) => _text.Pools.TryGetValue(name, out var pool)
        ? PickTraced(name, pool)
        : throw new InvalidOperationException($"notice kind {kind.Name} ({language}) has no pool {name}");

    private string PickTraced(string name, string[] pool)
    {
        var index = random.Next(pool.Length);
        _trace.Append('#').Append(name).Append(index.ToString(CultureInfo.InvariantCulture));
        return pool[index];
    }

    private string Traced(string coined)
    {
        foreach (var c in coined)
        {
            _trace.Append(Fold.GetValueOrDefault(c, c));
        }

        return coined;
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];
}
