using Search.Answer.Extraction;
using Search.Text;
namespace Search.Answer.Tests;
public sealed class DbgTests(ITestOutputHelper o)
{
    [Fact]
    public void Dbg()
    {
        foreach (var s in new[] { "唐朝的开国皇帝李渊定都长安。", "开国皇帝李渊定都", "皇帝李渊定" })
        foreach (var c in SpanExtractor.Find(s, new TextRange(0, s.Length), ExpectedAnswer.Person)) o.WriteLine($"{s}: {c.Range.Of(s)} {c.Prior} {(int)s[^1]:X}");
    }
}
