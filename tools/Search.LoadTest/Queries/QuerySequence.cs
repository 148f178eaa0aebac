namespace Search.LoadTest.Queries;

/// <summary>One query to send, and whether it re-asks an earlier one on purpose.</summary>
public readonly record struct NextQuery(string Text, bool IsRepeat);

/// <summary>
/// The order queries are asked in, modelling a real query log: a share of requests re-asks a query drawn
/// uniformly from the requests sent so far (so a query asked often is asked again more often, and hot
/// queries emerge), the rest take the file's next query, starting over when the file is used up.
/// Seeded, so a run can be repeated; safe to call from several workers.
/// </summary>
public sealed class QuerySequence
{
    private readonly IReadOnlyList<string> _queries;
    private readonly double _repeatShare;
    private readonly Random _random;
    private readonly List<int> _sent = [];
    private readonly Lock _lock = new();
    private int _next;

    public QuerySequence(IReadOnlyList<string> queries, double repeatShare, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfZero(queries.Count, nameof(queries));
        ArgumentOutOfRangeException.ThrowIfNegative(repeatShare);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(repeatShare, 1);
        _queries = queries;
        _repeatShare = repeatShare;
        _random = new Random(seed);
    }

    public NextQuery Next()
    {
        lock (_lock)
        {
            var repeat = _random.NextDouble() < _repeatShare && _sent.Count > 0;
            int index;
            if (repeat)
            {
                index = _sent[_random.Next(_sent.Count)];
            }
            else
            {
                index = _next;
                _next = (_next + 1) % _queries.Count;
            }

            _sent.Add(index);
            return new NextQuery(_queries[index], repeat);
        }
    }
}
