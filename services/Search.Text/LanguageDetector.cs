namespace Search.Text;

/// <summary>
/// Tells English from Chinese by script, and Simplified from Traditional by the
/// characters that exist in only one of the two scripts.
/// </summary>
public static class LanguageDetector
{
    public static TextLanguage Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TextLanguage.Unknown;
        }

        int han = 0, latin = 0, traditional = 0, simplified = 0;
        foreach (var c in text)
        {
            if (ChineseScript.IsHan(c))
            {
                han++;
                if (ChineseScript.IsTraditionalOnly(c))
                {
                    traditional++;
                }
                else if (ChineseScript.IsSimplifiedOnly(c))
                {
                    simplified++;
                }
            }
            else if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z')
            {
                latin++;
            }
        }

        // One Han character carries about as much as a short English word (~4 letters).
        if (han > 0 && han * 4 >= latin)
        {
            return traditional > simplified ? TextLanguage.TraditionalChinese : TextLanguage.SimplifiedChinese;
        }

        return latin > 0 ? TextLanguage.English : TextLanguage.Unknown;
    }
}
