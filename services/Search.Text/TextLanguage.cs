namespace Search.Text;

/// <summary>Languages the product understands; Chinese is split by script.</summary>
public enum TextLanguage
{
    Unknown = 0,
    English = 1,
    SimplifiedChinese = 2,
    TraditionalChinese = 3,
}

public static class TextLanguageTags
{
    /// <summary>The BCP 47 tag the product uses for <paramref name="language"/> ("" when unknown).</summary>
    public static string ToTag(this TextLanguage language) => language switch
    {
        TextLanguage.English => "en",
        TextLanguage.SimplifiedChinese => "zh-Hans",
        TextLanguage.TraditionalChinese => "zh-Hant",
        _ => "",
    };

    /// <summary>
    /// Parses a language tag. Accepts "en", "zh-Hans", "zh-Hant" and the common
    /// aliases (zh, zh-CN, zh-SG → Simplified; zh-TW, zh-HK, zh-MO → Traditional),
    /// case-insensitively. Returns false for anything else.
    /// </summary>
    public static bool TryParse(string? tag, out TextLanguage language)
    {
        language = TextLanguage.Unknown;
        if (string.IsNullOrWhiteSpace(tag))
        {
            return true;
        }

        switch (tag.Trim().Replace('_', '-').ToLowerInvariant())
        {
            case "en" or "en-us" or "en-gb" or "english":
                language = TextLanguage.English;
                return true;
            case "zh" or "zh-hans" or "zh-cn" or "zh-sg" or "zh-hans-cn":
                language = TextLanguage.SimplifiedChinese;
                return true;
            case "zh-hant" or "zh-tw" or "zh-hk" or "zh-mo" or "zh-hant-tw":
                language = TextLanguage.TraditionalChinese;
                return true;
            default:
                return false;
        }
    }

    public static bool IsChinese(this TextLanguage language) =>
        language is TextLanguage.SimplifiedChinese or TextLanguage.TraditionalChinese;
}
