using System.Globalization;
using System.Text;

namespace Search.Benchmarks.Corpus;

/// <summary>
/// Deterministic English-like documents for measuring at sizes no real set here reaches. Words come from a
/// source corpus: each document borrows the length and the words of one source document (its topic) and fills
/// the rest from the whole vocabulary drawn with Zipf weights by frequency rank. The result keeps what BM25
/// depends on: a heavy-tailed term distribution, frequent words in most documents, and topical words that
/// repeat inside a document.
/// </summary>
public sealed class SyntheticCorpus
{
    // Zipf exponent of the background vocabulary; 1 is the classic value for English text.
    private const double ZipfExponent = 1.0;

    // Share of a document's words taken from its topic document; the rest come from the background.
    private const double TopicShare = 0.4;

    // The most frequent words are function words; keyword queries leave them out, as people do.
    private const int CommonWordRanks = 200;

    private readonly IReadOnlyList<BenchmarkDocument> _sources;
    private readonly string[][] _sourceWords;
    private readonly string[] _vocabulary;
    private readonly double[] _cumulativeWeights;
    private readonly HashSet<string> _commonWords;
    private readonly Random _random;
    private int _generated;

    public SyntheticCorpus(IReadOnlyList<BenchmarkDocument> sources, int seed)
    {
        if (sources.Count == 0)
        {
            throw new ArgumentException("the source corpus is empty", nameof(sources));
        }

        _sources = sources;
        _sourceWords = sources.Select(d => Words(d.Text).ToArray()).ToArray();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in sources.SelectMany(d => Words(d.Title).Concat(Words(d.Text))))
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        _vocabulary = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key).ToArray();
        _cumulativeWeights = new double[_vocabulary.Length];
        var total = 0.0;
        for (var rank = 0; rank < _vocabulary.Length; rank++)
        {
            total += 1.0 / Math.Pow(rank + 1, ZipfExponent);
            _cumulativeWeights[rank] = total;
        }

        _commonWords = _vocabulary.Take(CommonWordRanks).ToHashSet(StringComparer.Ordinal);
        _random = new Random(seed);
    }

    public int VocabularySize => _vocabulary.Length;

    /// <summary>The next document of the sequence; the same seed always gives the same sequence.</summary>
    public BenchmarkDocument Next()
    {
        var topic = _random.Next(_sources.Count);
        var topicWords = _sourceWords[topic];
        var length = Math.Max(20, topicWords.Length);
        var text = new StringBuilder(length * 8);
        var written = 0;
        while (written < length)
        {
            var sentence = Math.Min(_random.Next(8, 29), length - written);
            AppendSentence(text, topicWords, sentence);
            written += sentence;
        }

        var title = new StringBuilder();
        AppendSentence(title, topicWords, _random.Next(5, 16), endWithPeriod: false);
        var id = string.Create(CultureInfo.InvariantCulture, $"syn-{_generated++:D7}");
        return new BenchmarkDocument(id, title.ToString(), text.ToString());
    }

    /// <summary>
    /// A keyword query of two to five uncommon words from one source document, so it has matches and
    /// a topical centre; <paramref name="random"/> is the caller's, apart from the corpus sequence.
    /// </summary>
    public string KeywordQuery(Random random)
    {
        for (var attempt = 0; ; attempt++)
        {
            var candidates = _sourceWords[random.Next(_sourceWords.Length)]
                .Where(w => !_commonWords.Contains(w) && w.Length > 2)
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            if (candidates.Length >= 2 || attempt > 100)
            {
                random.Shuffle(candidates);
                return string.Join(' ', candidates.Take(random.Next(2, 6)));
            }
        }
    }

    /// <summary>Lower-cased runs of letters and digits: the word notion of the generator, not of any engine.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }

    private void AppendSentence(StringBuilder builder, string[] topicWords, int words, bool endWithPeriod = true)
    {
        if (builder.Length > 0)
        {
            builder.Append(' ');
        }

        for (var i = 0; i < words; i++)
        {
            var word = topicWords.Length > 0 && _random.NextDouble() < TopicShare
                ? topicWords[_random.Next(topicWords.Length)]
                : BackgroundWord();
            if (i == 0)
            {
                builder.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
            }
            else
            {
                builder.Append(' ').Append(word);
            }
        }

        if (endWithPeriod)
        {
            builder.Append('.');
        }
    }

    private string BackgroundWord()
    {
        var target = _random.NextDouble() * _cumulativeWeights[^1];
        var rank = Array.BinarySearch(_cumulativeWeights, target);
        return _vocabulary[rank >= 0 ? rank : Math.Min(~rank, _vocabulary.Length - 1)];
    }
}
