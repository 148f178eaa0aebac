using Search.Retrieval.Indexing;
using Search.Text;

namespace Search.Retrieval.Tests;

public class DocumentValidatorTests
{
    private const int MaxChars = 1000;

    [Theory]
    [InlineData("", "some text", "", "id is missing")]
    [InlineData("   ", "some text", "", "id is missing")]
    [InlineData("a\u0000b", "some text", "", "id contains a control character (U+0000)")]
    [InlineData("a\nb", "some text", "", "id contains a control character (U+000A)")]
    [InlineData("a/b", "some text", "", "id contains a path separator")]
    [InlineData("doc", "", "", "text is missing")]
    [InlineData("doc", " \t\n ", "", "text is missing")]
    [InlineData("doc", "some text", "fr", "language tag 'fr' is not known")]
    public void BadDocumentIsRejectedWithAClearReason(string id, string text, string lang, string reason)
    {
        var error = DocumentValidator.Check(new IngestDocument(id, text, Lang: lang), MaxChars, out _);
        Assert.NotNull(error);
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RetrievalChecksTitlesAndUrlsAgain()
    {
        Assert.Equal(
            "title contains a control character (U+000A)",
            DocumentValidator.Check(new IngestDocument("doc", "text", Title: "two\nlines"), MaxChars, out _));
        Assert.Equal(
            "url must be an absolute http or https address",
            DocumentValidator.Check(new IngestDocument("doc", "text", Url: "javascript:alert(1)"), MaxChars, out _));
        Assert.Null(DocumentValidator.Check(new IngestDocument("doc", "text", "Title", "https://example.org/doc"), MaxChars, out _));
    }

    [Fact]
    public void OverlongIdAndTextAreRejected()
    {
        Assert.Equal(
            "id has 257 characters; at most 256 are accepted",
            DocumentValidator.Check(new IngestDocument(new string('a', 257), "text"), MaxChars, out _));
        Assert.Equal(
            "text has 1001 characters; at most 1000 are accepted",
            DocumentValidator.Check(new IngestDocument("doc", new string('a', 1001)), MaxChars, out _));
    }

    [Theory]
    [InlineData("en", "anything", TextLanguage.English)]
    [InlineData("zh-TW", "anything", TextLanguage.TraditionalChinese)]
    [InlineData("", "Water boils at one hundred degrees.", TextLanguage.English)]
    [InlineData("", "这个国家的首都是北京。", TextLanguage.SimplifiedChinese)]
    [InlineData("", "這個國家的首都是台北。", TextLanguage.TraditionalChinese)]
    public void LanguageComesFromTheTagOrIsDetected(string lang, string text, TextLanguage expected)
    {
        Assert.Null(DocumentValidator.Check(new IngestDocument("doc", text, Lang: lang), MaxChars, out var language));
        Assert.Equal(expected, language);
    }

    [Fact]
    public void BatchKeepsGoodDocumentsAndTheLastOfEachId()
    {
        IngestDocument[] batch =
        [
            new("a", "first version"),
            new("", "no id"),
            new("b", "bee"),
            new("c", ""),
            new("a", "second version"),
        ];
        var (valid, rejected) = DocumentValidator.Validate(batch, MaxChars, firstIndex: 10);

        Assert.Equal(["b", "a"], valid.Select(v => v.Document.Id));
        Assert.Equal("second version", valid.Single(v => v.Document.Id == "a").Document.Text);
        Assert.Equal([(11, "", "id is missing"), (13, "c", "text is missing")], rejected.Select(r => (r.Index, r.DocumentId, r.Reason)));
    }
}
