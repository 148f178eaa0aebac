using Lucene.Net.Analysis;
using Lucene.Net.Analysis.CharFilters;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Util;

namespace Search.Text;

/// <summary>
/// The one analyzer for every language, used by the index and by every service that
/// compares words: Traditional folded to Simplified, Unicode word breaks, Han text
/// as overlapping bigrams (isolated characters stay unigrams), English lower-cased,
/// stop words removed and Porter-stemmed. One chain for all text means a query needs
/// no language guess to match, and mixed English/Chinese text works.
/// </summary>
public sealed class SearchAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    protected override TextReader InitReader(string fieldName, TextReader reader) =>
        new MappingCharFilter(ChineseScript.CharMap, reader);

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader);
        TokenStream stream = new CJKWidthFilter(source);
        stream = new EnglishPossessiveFilter(Version, stream);
        stream = new LowerCaseFilter(Version, stream);
        stream = new ASCIIFoldingFilter(stream);
        stream = new CJKBigramFilter(stream);
        stream = new StopFilter(Version, stream, StopWords.English);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(source, stream);
    }
}
