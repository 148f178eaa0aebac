using System.Text.RegularExpressions;
using Search.Text;

namespace Search.Answer.Generation;

/// <summary>
/// Checks that each sentence of a generated answer is supported by the passages it cites: every
/// number and every name the sentence states occurs in them, and so do at least
/// <see cref="MinKeyTermShare"/> of its key terms (words compared as the index compares them: stemmed,
/// stop words left out, Chinese as character pairs). This is a lexical check: it catches a sentence
/// that cites a passage which says something else (a document's text steering the model to cite
/// passages that do not support it), not a paraphrase that reverses a passage's meaning.
/// </summary>
public static partial class SupportCheck
{
    /// <summary>Share of a sentence's key terms that must occur in its cited passages.</summary>
    public const double MinKeyTermShare = 0.5;

    /// <summary>Why the answer is not supported by its citations; empty when every sentence is.</summary>
    public static string Problem(string answer, IReadOnlyList<GroundingPassage> given)
    {
        answer = CitationCheck.MarksBeforeSentenceEnds(answer);
        var sentences = SentenceSplitter.Split(answer);
        for (var i = 0; i < sentences.Count; i++)
        {
            var sentence = sentences[i].Of(answer);
            var cited = CitationCheck.CitedIndexes(sentence);
            var plain = CitationCheck.WithoutMarks(sentence);
            var terms = TextTokenizer.Tokenize(plain).Select(t => t.Term).Distinct(StringComparer.Ordinal).ToList();
            if (terms.Count == 0)
            {
                continue; // nothing stated: a lone "[1]." or punctuation
            }

            var which = $"sentence {i + 1} (\"{Clip(sentence)}\")";
            if (cited.Count == 0)
            {
                return $"{which} cites no passage";
            }

            var support = new HashSet<string>(StringComparer.Ordinal);
            foreach (var n in cited)
            {
                var passage = given[n - 1];
                support.UnionWith(TextTokenizer.TokenizePassage(passage.Text).Select(t => t.Term));
                support.UnionWith(TextTokenizer.Tokenize(passage.Title).Select(t => t.Term));
            }

            var marks = string.Join("", cited.Select(n => $"[{n}]"));
            if (terms.FirstOrDefault(t => t.Any(char.IsDigit) && !support.Contains(t)) is { } number)
            {
                return $"{which} states \"{number}\", which its cited passages {marks} do not";
            }

            if (Names(plain).FirstOrDefault(name => !name.Terms.All(support.Contains)).Word is { } missingName)
            {
                return $"{which} names \"{missingName}\", which its cited passages {marks} do not";
            }

            var found = terms.Count(support.Contains);
            if (found < MinKeyTermShare * terms.Count)
            {
                return $"only {found} of the {terms.Count} key terms of {which} occur in its cited passages {marks}";
            }
        }

        return "";
    }

    /// <summary>The capitalised words of a sentence with their terms, except its first word (capitalised by position alone).</summary>
    private static IEnumerable<(string Word, List<string> Terms)> Names(string sentence) =>
        Words().Matches(sentence)
            .Skip(1)
            .Where(word => char.IsUpper(word.Value[0]))
            .Select(word => (word.Value, TextTokenizer.Tokenize(word.Value).Select(t => t.Term).ToList()));

    private static string Clip(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 80 ? trimmed : trimmed[..77] + "...";
    }

    [GeneratedRegex(@"[\p{L}\p{M}\p{Nd}][\p{L}\p{M}\p{Nd}'’\-]*")]
    private static partial Regex Words();
}
