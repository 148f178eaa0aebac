using System.Text.RegularExpressions;

namespace Search.Text;

/// <summary>
/// A question written in Cantonese, with its question words and particles in standard written Chinese: "邊個主禮…？"
/// asks who, as "誰主禮…？" does, "幾多錢" is "多少錢", "喺邊度" is "在哪裡", "有冇" is "有沒有", and the few verbs found only in
/// Cantonese (閂門, 攞, 搵, 睇, 嚟) are the standard ones. People in Hong Kong write their
/// questions as they speak, while the notices that answer them are in standard written Chinese, which is what the
/// question cues (<see cref="AnswerCues"/>), the measures and the reader know. The rest of the question is left as it
/// is, in its own script (a question with a Simplified-only character gets Simplified words).
/// </summary>
public static partial class CantoneseQuestion
{
    /// <summary><paramref name="question"/> with its Cantonese question words in standard written Chinese; itself when it has none.</summary>
    public static string ToStandard(string question)
    {
        if (string.IsNullOrEmpty(question) || !Words().IsMatch(question))
        {
            return question;
        }

        var simplified = question.Any(ChineseScript.IsSimplifiedOnly);
        return Words().Replace(question, m => Standard(ChineseScript.ToSimplified(m.Value), simplified));
    }

    // Keyed by the Simplified form of the Cantonese word: (Traditional, Simplified) standard forms.
    private static string Standard(string word, bool simplified)
    {
        var (traditional, simple) = word switch
        {
            "边个" => ("誰", "谁"),
            "边度" or "边处" => ("哪裡", "哪里"),
            "边日" => ("哪天", "哪天"),
            "边" => ("哪", "哪"),
            "喺边" => ("在哪", "在哪"),
            "几多钱" or "几钱" => ("多少錢", "多少钱"),
            "几多" => ("多少", "多少"),
            "几耐" => ("多久", "多久"),
            "几时" => ("何時", "何时"),
            "几远" => ("多遠", "多远"),
            "几长" => ("多長", "多长"),
            "几高" => ("多高", "多高"),
            "几重" => ("多重", "多重"),
            "乜嘢" or "乜野" or "咩" => ("什麼", "什么"),
            "点解" => ("為什麼", "为什么"),
            "点样" => ("怎樣", "怎样"),
            "唔系" => ("不是", "不是"),
            "系咪" => ("是不是", "是不是"),
            "系" => ("是", "是"),
            "喺" => ("在", "在"),
            "嘅" => ("的", "的"),
            "冇" => ("沒有", "没有"),
            "唔" => ("不", "不"),
            "佢哋" => ("他們", "他们"),
            "佢" => ("他", "他"),
            "咗" => ("了", "了"),
            "闩门" => ("關門", "关门"),
            "攞" => ("取", "取"),
            "搵" => ("找", "找"),
            "睇" => ("看", "看"),
            "嚟" => ("來", "来"),
            "嗰" => ("那", "那"),
            _ => (word, word),
        };
        return simplified ? simple : traditional;
    }

    // Longest first. 邊 ("side") is a question word ("which") only before a measure word or a noun of time or kind (邊個,
    // 邊度, 邊間, 邊日, 邊種 …) and not after a word it ends ("旁邊", "東邊"), or alone at the end after 喺 ("地址喺邊？").
    // 係 ("to be") only before a question word or 唔 and not inside a word ("關係幾時"); written 系 in Simplified, where 系
    // is also "department" ("中文系幾時開學"), only before 邊, 咩, 乜, 唔 or 誰. 而家 ("now") is left out, as "然而家庭"
    // holds it. 幾時 ("when") is 何時, but not after 到 or 至, where it asks until what time ("開到幾時").
    [GeneratedRegex(
        @"(?<![東西南北左右旁身海河江路岸外裡里上下前後后周兩两這这那半手床窗天东边邊])[邊边](?:個|个|度|處|处|日|(?=[位間间天年月條条架隻只種种家區区款]))"
        + @"|喺[邊边](?=[？?]|$)"
        + @"|幾多錢|几多钱|幾錢|几钱|幾多|几多|幾耐|几耐|(?<![到至])(?:幾時|几时)|幾遠|几远|幾長|几长|幾高|几高|幾重(?!山|天|門|门)|几重(?!山|天|門|门)|乜嘢|乜野|點解|点解|點樣|点样|唔係|唔系|(?<![關关聯联維维體体派直譜谱世干幹])(?:係咪|系咪)"
        + @"|(?<![關关聯联維维體体派直譜谱世干幹])係(?=[邊边幾几咩乜點点唔誰谁])|(?<![关联维体派直谱世干])系(?=[边咩乜唔谁])"
        + @"|咩|喺|嘅|冇|唔|佢哋|佢|咗|閂門|闩门|攞|搵|睇|嚟|嗰")]
    private static partial Regex Words();
}
