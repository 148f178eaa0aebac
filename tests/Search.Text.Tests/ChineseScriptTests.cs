using System.Security.Cryptography;
using System.Text.Json;
using Search.Text;

namespace Search.Text.Tests;

public class ChineseScriptTests
{
    // Mixed with Latin letters, digits and supplementary-plane characters (鮟鱇 fold only to
    // such characters, so they stay; 𩸞 is one), as encyclopaedia paragraphs are.
    private const string TraditionalParagraph =
        "臺灣位於東亞，面積約三萬六千平方公里，西方文獻舊稱Formosa。十七世紀時，荷蘭人在南部建立據點，" +
        "後來鄭成功驅逐荷蘭人，在此設立政權。清朝於1684年將臺灣納入版圖，1895年因甲午戰爭戰敗，" +
        "依《馬關條約》割讓給日本。現今臺灣的經濟以電子產業為主，臺北有捷運、高鐵與國際機場；" +
        "沿海漁港常見鮟鱇魚與𩸞魚，夜市裡的蚵仔煎也吸引許多觀光客。";

    [Fact]
    public void TheCharacterDataLoadsItsOneToOnePairs()
    {
        // 2,966 of the data's 4,148 entries fold one character to one when this was written
        // (the hand-written table it replaced had 2,025).
        Assert.InRange(ChineseScript.PairCount, 2_900, 4_148);

        var folding = Enumerable.Range(0, char.MaxValue + 1).Count(c => ChineseScript.ToSimplified((char)c) != c);
        Assert.Equal(ChineseScript.PairCount, folding);
    }

    [Theory]
    [InlineData("TSCharacters.txt", "737c21c66f55a419dd6956cb3089476cdefc5a36877452631617696df1e5d925")]
    [InlineData("STCharacters.txt", "a0ca1601c70648cf48b33c3c6210ccbecc5c7eead4b4c3daf76587ba2c03582b")]
    [InlineData("TWVariants.txt", "e187278e119c427ca561180ac5da5b20e9f8681190458f35c327ce499e95a6a5")]
    [InlineData("HKVariants.txt", "e5cd4345303224587102f2c9e4d2b67d2b7e349c6ce9152e4a118f4656cf7302")]
    public void TheEmbeddedDataIsThePublishedFileUnchanged(string file, string sha256)
    {
        // The hashes of the files as published (see services/Search.Text/OpenCC/NOTICE.md).
        using var stream = typeof(ChineseScript).Assembly.GetManifestResourceStream($"Search.Text.OpenCC.{file}");
        Assert.NotNull(stream);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    [Fact]
    public void EveryCharacterFoldsToOneThatFoldsNoFurther()
    {
        var wrong = new List<string>();
        for (var i = 0; i <= char.MaxValue; i++)
        {
            var c = (char)i;
            var folded = ChineseScript.ToSimplified(c);
            if (folded != c && (char.IsSurrogate(c) || char.IsSurrogate(folded)))
            {
                wrong.Add($"U+{i:X4} folds to a surrogate or from one");
            }

            if (ChineseScript.ToSimplified(folded) != folded)
            {
                wrong.Add($"{c} → {folded} → {ChineseScript.ToSimplified(folded)}");
            }

            if (ChineseScript.IsSimplifiedOnly(c) && (folded != c || ChineseScript.IsTraditionalOnly(c)))
            {
                wrong.Add($"{c} shows Simplified script but folds or shows Traditional too");
            }

            if (ChineseScript.IsTraditionalOnly(c) && folded == c)
            {
                wrong.Add($"{c} shows Traditional script but does not fold");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(20)));
    }

    [Theory]
    [InlineData('體', '体')]
    [InlineData('臺', '台')]
    [InlineData('灣', '湾')]
    [InlineData('為', '为')]
    [InlineData('爲', '为')]
    [InlineData('發', '发')]
    [InlineData('髮', '发')]
    [InlineData('華', '华')]
    [InlineData('後', '后')]
    [InlineData('裡', '里')]
    [InlineData('餘', '余')]
    [InlineData('菸', '烟')]
    [InlineData('喫', '吃')]
    [InlineData('薴', '苎')] // through 苧, which folds to 苎 in turn
    public void KnownTraditionalCharactersFold(char traditional, char simplified)
    {
        Assert.Equal(simplified, ChineseScript.ToSimplified(traditional));
        Assert.True(ChineseScript.IsTraditionalOnly(traditional));
    }

    [Fact]
    public void FoldingKeepsTheLengthAndEveryOffsetOfAParagraph()
    {
        const string simplified =
            "台湾位于东亚，面积约三万六千平方公里，西方文献旧称Formosa。十七世纪时，荷兰人在南部建立据点，" +
            "后来郑成功驱逐荷兰人，在此设立政权。清朝于1684年将台湾纳入版图，1895年因甲午战争战败，" +
            "依《马关条约》割让给日本。现今台湾的经济以电子产业为主，台北有捷运、高铁与国际机场；" +
            "沿海渔港常见鮟鱇鱼与𩸞鱼，夜市里的蚵仔煎也吸引许多观光客。";

        var folded = ChineseScript.ToSimplified(TraditionalParagraph);

        Assert.Equal(simplified, folded);
        Assert.Equal(TraditionalParagraph.Length, folded.Length);
        Assert.All(
            Enumerable.Range(0, TraditionalParagraph.Length),
            i => Assert.Equal(ChineseScript.ToSimplified(TraditionalParagraph[i]), folded[i]));
    }

    [Fact]
    public void TheAnalyzerFoldsAParagraphAsToSimplifiedDoes()
    {
        // The index folds through the analyzer's char map, queries and answers through ToSimplified.
        var traditional = TextTokenizer.Tokenize(TraditionalParagraph);
        var simplified = TextTokenizer.Tokenize(ChineseScript.ToSimplified(TraditionalParagraph));

        Assert.NotEmpty(traditional);
        Assert.Equal(simplified, traditional);
    }

    [Theory]
    [InlineData("")]
    [InlineData("English stays English: 123 + 456 = 579.")]
    [InlineData("长江是中国第一长河，发源于青藏高原，全长约6300公里，流经11个省级行政区，于上海注入东海。" +
        "长江流域面积约180万平方公里，三峡工程是世界上最大的水利枢纽之一，2012年全面投入运行。")]
    [InlineData("ひらがなとカタカナ")]
    public void TextWithoutTraditionalCharactersIsUnchanged(string text) =>
        Assert.Equal(text, ChineseScript.ToSimplified(text));

    [Fact]
    public void CharactersWrittenInSimplifiedTooAreNeverEvidenceOfTraditional()
    {
        // 著 (著名), 藉 and 瞭 stand unchanged in Simplified text and do not fold. 乾 (乾隆), 夥, 於
        // and 昇 do fold, alike in queries and passages, but the data lists them as Simplified
        // forms as well, so finding one says nothing about the script.
        foreach (var c in "著藉瞭")
        {
            Assert.Equal(c, ChineseScript.ToSimplified(c));
            Assert.False(ChineseScript.IsTraditionalOnly(c), $"{c} shows Traditional script");
        }

        foreach (var (traditional, simplified) in new[] { ('乾', '干'), ('夥', '伙'), ('於', '于'), ('昇', '升') })
        {
            Assert.Equal(simplified, ChineseScript.ToSimplified(traditional));
            Assert.False(ChineseScript.IsTraditionalOnly(traditional), $"{traditional} shows Traditional script");
        }

        Assert.Equal(TextLanguage.SimplifiedChinese, LanguageDetector.Detect("乾隆年间的乾清宫"));
    }

    [Fact]
    public void SimplifiedFormsThatTaiwanAndHongKongWriteAreNoEvidenceOfSimplified()
    {
        // 后 (皇后), 台 (台北) and 里 (公里) stand in Traditional text; 床 and 群 are Taiwan's
        // standard forms, 温 Hong Kong's.
        foreach (var c in "后台里面只床群温")
        {
            Assert.False(ChineseScript.IsSimplifiedOnly(c), $"{c} shows Simplified script");
        }

        foreach (var c in "这个国发们")
        {
            Assert.True(ChineseScript.IsSimplifiedOnly(c), $"{c} shows no Simplified script");
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
