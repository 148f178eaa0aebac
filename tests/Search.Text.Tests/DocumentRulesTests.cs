using Search.Text;

namespace Search.Text.Tests;

public class DocumentRulesTests
{
    [Theory]
    [InlineData("plain-id")]
    [InlineData("with space")]
    [InlineData("wiki:Mount_Everest")]
    [InlineData("a.b")]
    [InlineData("100%")]
    [InlineData("q?x=1&y=2#frag")]
    [InlineData("珠穆朗玛峰")]
    [InlineData("caf\u00E9")]
    [InlineData("\U0001D11E-clef")]
    public void LegalIdsPass(string id)
    {
        Assert.Null(DocumentRules.IdProblem(id));
    }

    [Theory]
    [InlineData("", "id is missing")]
    [InlineData("  ", "id is missing")]
    [InlineData("a/b", "id contains a path separator")]
    [InlineData("a\\b", "id contains a path separator")]
    [InlineData("..", "id is '.' or contains '..'")]
    [InlineData("a..b", "id is '.' or contains '..'")]
    [InlineData(".", "id is '.' or contains '..'")]
    [InlineData("a\u0000b", "id contains a control character (U+0000)")]
    [InlineData("a\nb", "id contains a control character (U+000A)")]
    [InlineData("a\u202Eb", "id contains an invisible formatting character (U+202E")]
    [InlineData("a\u2066b", "id contains an invisible formatting character (U+2066")]
    [InlineData("a\u200Bb", "id contains an invisible formatting character (U+200B")]
    [InlineData("a\uFEFFb", "id contains an invisible formatting character (U+FEFF")]
    [InlineData("a\u2028b", "id contains a line or paragraph separator (U+2028)")]
    [InlineData("a\u00A0b", "id contains whitespace other than the space (U+00A0)")]
    [InlineData(" a", "id begins or ends with a space")]
    [InlineData("cafe\u0301", "id is not in Unicode normalisation form C")]
    public void IllegalIdsAreRefusedWithTheReason(string id, string reason)
    {
        Assert.StartsWith(reason, DocumentRules.IdProblem(id), StringComparison.Ordinal);
    }

    [Fact]
    public void IdLengthIsCountedInCharacters()
    {
        var astral = string.Concat(Enumerable.Repeat("\U0001D11E", DocumentRules.MaxIdCharacters));

        Assert.Null(DocumentRules.IdProblem(astral));
        Assert.Equal("id has 257 characters; at most 256 are accepted", DocumentRules.IdProblem(astral + "x"));
    }

    [Fact]
    public void BrokenSurrogatesAreRefusedEverywhere()
    {
        Assert.StartsWith("id holds a broken surrogate pair", DocumentRules.IdProblem("a\uD800b"), StringComparison.Ordinal);
        Assert.StartsWith("title holds a broken surrogate pair", DocumentRules.TitleProblem("a\uDC00"), StringComparison.Ordinal);
        Assert.Equal("text holds a broken surrogate pair", DocumentRules.TextProblem("text \uD800", 100));
        Assert.Equal("\uFFFDb", DocumentRules.Preview("\uD800b"));
    }

    [Theory]
    [InlineData("A plain title")]
    [InlineData("Ünïcödé — 標題 \u200F(rtl mark)")]
    public void LegalTitlesPass(string title)
    {
        Assert.Null(DocumentRules.TitleProblem(title));
    }

    [Fact]
    public void TitlesAreOneLineOfBoundedLength()
    {
        Assert.Equal("title contains a control character (U+000A)", DocumentRules.TitleProblem("two\nlines"));
        Assert.Equal("title contains a control character (U+0007)", DocumentRules.TitleProblem("bell\u0007"));
        Assert.Null(DocumentRules.TitleProblem(new string('t', DocumentRules.MaxTitleCharacters)));
        Assert.Equal("title has 513 characters; at most 512 are accepted", DocumentRules.TitleProblem(new string('t', 513)));
        Assert.StartsWith("title has 460800 UTF-16 units", DocumentRules.TitleProblem(new string('t', 450 * 1024)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://example.org")]
    [InlineData("https://example.org/wiki/Mount_Everest?x=1#top")]
    [InlineData("https://例え.jp/パス")]
    public void LegalUrlsPass(string url)
    {
        Assert.Null(DocumentRules.UrlProblem(url));
    }

    [Theory]
    [InlineData("javascript:alert(1)", "url must be an absolute http or https address")]
    [InlineData("JAVASCRIPT:alert(1)", "url must be an absolute http or https address")]
    [InlineData("data:text/html,<script>alert(1)</script>", "url must be an absolute http or https address")]
    [InlineData("file:///etc/passwd", "url must be an absolute http or https address")]
    [InlineData("/relative/path", "url must be an absolute http or https address")]
    [InlineData("example.org", "url must be an absolute http or https address")]
    [InlineData("http://", "url must be an absolute http or https address")]
    [InlineData("https://exa mple.org", "url contains whitespace")]
    [InlineData("https://example.org/\u0000", "url contains a control character (U+0000)")]
    [InlineData("https://example.org/\u202E", "url contains an invisible formatting character (U+202E")]
    public void IllegalUrlsAreRefusedWithTheReason(string url, string reason)
    {
        Assert.StartsWith(reason, DocumentRules.UrlProblem(url), StringComparison.Ordinal);
    }

    [Fact]
    public void UrlLengthIsBounded()
    {
        var url = "https://example.org/" + new string('a', DocumentRules.MaxUrlCharacters - 20);
        Assert.Null(DocumentRules.UrlProblem(url));
        Assert.Equal("url has 2049 characters; at most 2048 are accepted", DocumentRules.UrlProblem(url + "a"));
    }

    [Fact]
    public void ProblemNamesTheFirstBadField()
    {
        Assert.Null(DocumentRules.Problem("doc", "text", "title", "https://example.org", 100));
        Assert.Equal("text is missing", DocumentRules.Problem("doc", " ", "title\n", "javascript:x", 100));
        Assert.Equal("text has 101 characters; at most 100 are accepted", DocumentRules.Problem("doc", new string('x', 101), "", "", 100));
        Assert.StartsWith("title", DocumentRules.Problem("doc", "text", "title\n", "javascript:x", 100), StringComparison.Ordinal);
        Assert.StartsWith("url", DocumentRules.Problem("doc", "text", "title", "javascript:x", 100), StringComparison.Ordinal);
    }
}
