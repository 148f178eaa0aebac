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

    // Matched on text folded to Simplified, so the Simplified forms cover Traditional queries too.
    [GeneratedRegex(@"(官网|官方网站|登录|登陆|登入|注册|首页|主页|下载|网址|网站|入口)")]
    private static partial Regex ChineseSiteWords();
}
