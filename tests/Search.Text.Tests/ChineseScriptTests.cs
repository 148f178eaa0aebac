using System.Reflection;
using System.Text.Json;
using Search.Text;

namespace Search.Text.Tests;

public class ChineseScriptTests
{
    // The table is a private constant; tests read it raw because the runtime dictionary
    // silently drops duplicates and identity pairs, which is exactly what must not be written.
    private static readonly string Pairs = (string)typeof(ChineseScript)
        .GetField("Pairs", BindingFlags.NonPublic | BindingFlags.Static)!
        .GetRawConstantValue()!;

    [Fact]
    public void TableIsMadeOfWholePairs()
    {
        Assert.True(Pairs.Length % 2 == 0, $"the table has {Pairs.Length} characters, an odd number");
        Assert.DoesNotContain(Pairs, char.IsSurrogate);
    }

    [Fact]
    public void TableHasNoDuplicateTraditionalKeys()
    {
        var duplicates = Keys().GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.True(duplicates.Length == 0, $"written more than once: {new string(duplicates)}");
    }

    [Fact]
    public void TableHasNoIdentityPairs()
    {
        var identical = Enumerable.Range(0, Pairs.Length / 2)
            .Where(i => Pairs[2 * i] == Pairs[(2 * i) + 1])
            .Select(i => Pairs[2 * i])
            .ToArray();
        Assert.True(identical.Length == 0, $"mapped to themselves: {new string(identical)}");
    }

    [Fact]
    public void NoTraditionalKeyIsAlsoASimplifiedForm()
    {
        // A key that is also a target would make folding depend on how often it is applied.
        var targets = Enumerable.Range(0, Pairs.Length / 2).Select(i => Pairs[(2 * i) + 1]).ToHashSet();
        var both = Keys().Where(targets.Contains).ToArray();
        Assert.True(both.Length == 0, $"both key and target: {new string(both)}");
    }

    [Fact]
    public void TableCoversTheCommonTraditionalCharacters()
    {
        // 2,025 pairs when this was written.
        Assert.True(ChineseScript.PairCount >= 1500, $"only {ChineseScript.PairCount} pairs");
        Assert.Equal(Pairs.Length / 2, ChineseScript.PairCount);
    }

    [Fact]
    public void CharactersThatSimplifiedTextUsesInTheirOwnRightAreNotKeys()
    {
        // 乾 (乾隆), 著 (著名), 藉, 瞭, 餘, 夥 appear in ordinary Simplified text, so they must
        // neither be folded nor count as evidence of Traditional script.
        foreach (var c in "乾著藉瞭餘夥")
        {
            Assert.False(ChineseScript.IsTraditionalOnly(c), $"{c} is a key");
            Assert.Equal(c, ChineseScript.ToSimplified(c));
        }
    }

    [Theory]
    [InlineData("這個國家的經濟發展很快", "这个国家的经济发展很快")]
    [InlineData("後來他們在銀行裡開會", "后来他们在银行里开会")]
    [InlineData("電腦網路讓資訊傳遞變得更簡單", "电脑网路让资讯传递变得更简单")]
    [InlineData("頭髮和發現都寫作发", "头发和发现都写作发")]
    [InlineData("鐘錶店的鍾先生", "钟表店的钟先生")]
    [InlineData("English stays English 123", "English stays English 123")]
    public void TraditionalTextFoldsToSimplified(string traditional, string simplified)
    {
        var folded = ChineseScript.ToSimplified(traditional);

        Assert.Equal(simplified, folded);
        Assert.Equal(traditional.Length, folded.Length);
    }

    [Fact]
    public void SimplifiedTextIsUnchangedByFolding()
    {
        const string text = "长江是中国第一长河，全长约6300公里。";
        Assert.Equal(text, ChineseScript.ToSimplified(text));
    }

    [Theory]
    [InlineData("這個國家的經濟發展很快")]
    [InlineData("台北101有多少層？")]
    [InlineData("我們在公園裡散步")]
    [InlineData("台北到高雄約350公里")]
    [InlineData("皇后只有面對一個問題")]
    public void TraditionalSentencesAreDetectedAsTraditional(string text) =>
        Assert.Equal(TextLanguage.TraditionalChinese, LanguageDetector.Detect(text));

    [Theory]
    [InlineData("这个国家的经济发展很快")]
    [InlineData("长江有多长？")]
    [InlineData("我们在公园里散步")]
    [InlineData("谁发明了活字印刷术？")]
    public void SimplifiedSentencesAreDetectedAsSimplified(string text) =>
        Assert.Equal(TextLanguage.SimplifiedChinese, LanguageDetector.Detect(text));

    [Fact]
    public void EveryDemoDocumentIsDetectedInItsOwnLanguage()
    {
        var documents = DemoFiles.Documents();
        var wrong = documents
            .Where(d => LanguageDetector.Detect(d.Text).ToTag() != d.Lang)
            .Select(d => $"{d.Id} ({d.Lang}) detected as {LanguageDetector.Detect(d.Text).ToTag()}")
            .ToArray();

        Assert.True(documents.Count(d => d.Lang == "zh-Hant") >= 25, "too few Traditional documents");
        Assert.True(documents.Count(d => d.Lang == "zh-Hans") >= 50, "too few Simplified documents");
        Assert.True(wrong.Length == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void EveryDemoQuestionIsAnsweredVerbatimByItsDocument()
    {
        var documents = DemoFiles.Documents().ToDictionary(d => d.Id);
        var questions = DemoFiles.Questions();

        Assert.True(questions.Count >= 40, $"only {questions.Count} questions");
        foreach (var (question, answer, id) in questions)
        {
            Assert.True(documents.TryGetValue(id, out var document), $"{question}: no document {id}");
            Assert.Contains(answer, document.Text, StringComparison.Ordinal);
            Assert.Equal(document.Lang, LanguageDetector.Detect(question).ToTag());
        }
    }

    private static IEnumerable<char> Keys() => Enumerable.Range(0, Pairs.Length / 2).Select(i => Pairs[2 * i]);
}

internal sealed record DemoDocument(string Id, string Title, string Text, string Url, string Lang);

/// <summary>Reads tools/demo from the repository this test was built in.</summary>
internal static class DemoFiles
{
    public static IReadOnlyList<DemoDocument> Documents()
    {
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return File.ReadLines(Path.Combine(DemoFolder(), "corpus.jsonl"))
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<DemoDocument>(line, options)!)
            .ToArray();
    }

    public static IReadOnlyList<(string Question, string Answer, string Id)> Questions() =>
        File.ReadLines(Path.Combine(DemoFolder(), "questions.tsv"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => (f[0], f[1], f[2]))
            .ToArray();

    private static string DemoFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Search.sln")))
            {
                return Path.Combine(dir.FullName, "tools", "demo");
            }
        }

        throw new DirectoryNotFoundException($"no Search.sln above {AppContext.BaseDirectory}");
    }
}
