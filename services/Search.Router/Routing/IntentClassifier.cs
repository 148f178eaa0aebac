using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Router.Routing;

/// <summary>Why a query got its intent, for the route's human-readable reason.</summary>
public readonly record struct IntentCue(QueryIntent Intent, string Why);

/// <summary>Tells questions, keyword queries and navigational queries apart with English and Chinese cues.</summary>
public static partial class IntentClassifier
{
    public static IntentCue Classify(string normalizedQuery)
    {
        // A web address is the strongest signal: "github.com?" still wants the site, not a fact.
        if (WebAddress().IsMatch(normalizedQuery))
        {
            return new(QueryIntent.Navigational, "looks like a web address");
        }

        // Question form beats site words: "how do I download python" asks for a fact.
        if (AnswerCues.LooksLikeQuestion(normalizedQuery))
        {
            return new(QueryIntent.Question, "reads as a question");
        }

        if (EnglishSiteWords().IsMatch(normalizedQuery) || ChineseSiteWords().IsMatch(ChineseScript.ToSimplified(normalizedQuery)))
        {
            return new(QueryIntent.Navigational, "asks for a site or a page");
        }

        return new(QueryIntent.Keyword, "keywords without question form");
    }

    [GeneratedRegex(@"(^(https?://|www\.))|\b([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+(com|org|net|edu|gov|io|dev|app|ai|co|me|info|cn|tw|hk|jp|uk|de|fr)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WebAddress();

    [GeneratedRegex(@"\b(log ?in|log ?on|sign ?in|sign ?up|home ?page|official (site|website|page)|web ?site|downloads?|portal)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EnglishSiteWords();

    // Matched on text folded to Simplified; the Traditional forms are listed too so that
    // they count even where the shared folding table has a gap.
    [GeneratedRegex(@"(官网|官網|官方网站|官方網站|登录|登錄|登陆|登陸|登入|注册|註冊|首页|首頁|主页|主頁|下载|下載|网址|網址|网站|網站|入口)")]
    private static partial Regex ChineseSiteWords();
}
