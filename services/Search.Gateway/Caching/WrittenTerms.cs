using Search.Text;

namespace Search.Gateway.Caching;

/// <summary>
/// The analysed terms of the documents one write sends, titles and texts, by the index's own analyser
/// (<see cref="TextTokenizer"/>). Retrieval finds passages by these terms alone (BM25; the vectors only re-score what it
/// found), so a new or changed document can enter the results of a query only if they share one: the cached answers of
/// exactly those queries are dropped (<see cref="AnswerCache.InvalidateAsync"/>), and a fact ingested now is answered at
/// once to a question asked a minute before, while answers to other questions stay cached. A write with more than
/// <see cref="Limit"/> distinct terms (a bulk load) drops every cached answer instead.
/// </summary>
public sealed class WrittenTerms
{
    /// <summary>Distinct terms past which a write empties the whole cache rather than one set per term.</summary>
    public const int Limit = 4096;

    private readonly HashSet<string> _terms = new(StringComparer.Ordinal);

    /// <summary>True once the write holds more than <see cref="Limit"/> distinct terms; <see cref="Terms"/> is then empty.</summary>
    public bool Overflowed { get; private set; }

    public IReadOnlyCollection<string> Terms => _terms;

    /// <summary>Adds the terms of one document's <paramref name="title"/> and <paramref name="text"/>.</summary>
    public void Add(string? title, string? text)
    {
        foreach (var part in (ReadOnlySpan<string?>)[title, text])
        {
            if (Overflowed)
            {
                return;
            }

            foreach (var token in TextTokenizer.Tokenize(part))
            {
                if (_terms.Add(token.Term) && _terms.Count > Limit)
                {
                    Overflowed = true;
                    _terms.Clear();
                    return;
                }
            }
        }
    }
}
