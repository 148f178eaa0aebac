using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Search.Gateway.Caching;
using Search.Gateway.Pipeline;
using Search.Text;

namespace Search.Gateway.Review;

/// <summary>What review decided for one normalised query: the curated answer, if any, and the passages and documents blocked.</summary>
public sealed record QueryReview(AnswerBox? Curated, FrozenSet<string> BlockedPassages, FrozenSet<string> BlockedDocuments, string Revision)
{
    public static QueryReview None { get; } = new(null, FrozenSet<string>.Empty, FrozenSet<string>.Empty, "");

    /// <summary>Whether the answer stage may take its answer from <paramref name="passage"/>.</summary>
    public bool MayAnswerFrom(Passage passage) =>
        !BlockedPassages.Contains(passage.PassageId) && !BlockedDocuments.Contains(passage.DocumentId);
}

/// <summary>
/// The review actions in effect, held in memory for every search to read. An action taken on this gateway applies as
/// soon as it is stored (<see cref="RefreshAsync"/> is called before the action is acknowledged); actions stored by
/// other replicas are read every <see cref="ReviewOptions.RefreshMs"/>. Whenever a query's review changes, the cached
/// responses for it are dropped; the query's <see cref="QueryReview.Revision"/> is also part of its cache key, so a
/// replica that has not refreshed yet can never serve or store an answer under the new key.
/// </summary>
public sealed class ReviewRules(IReviewStore store, AnswerCache cache, IOptions<ReviewOptions> options, ILogger<ReviewRules> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private FrozenDictionary<string, QueryReview> _reviews = FrozenDictionary<string, QueryReview>.Empty;
    private long _version = -1;

    /// <summary>The review of the query whose review key is <paramref name="key"/> (<see cref="ReviewQueries.Key"/>).</summary>
    public QueryReview For(string key) => Volatile.Read(ref _reviews).GetValueOrDefault(key, QueryReview.None);

    /// <summary><paramref name="query"/> with the review of its normalised query, for the pipeline to apply.</summary>
    public SearchQuery Apply(SearchQuery query) => query with { Review = For(ReviewQueries.Key(query.Query)) };

    /// <summary>Reads the store when it changed since the last read; drops the cached responses of every query whose review changed.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            var version = await store.VersionAsync(ct);
            if (version == _version)
            {
                return;
            }

            var before = _reviews;
            var after = Build(await store.InEffectAsync(ct));
            Volatile.Write(ref _reviews, after);
            _version = version;
            var changed = before.Keys.Union(after.Keys)
                .Where(key => before.GetValueOrDefault(key)?.Revision != after.GetValueOrDefault(key)?.Revision)
                .ToList();
            if (changed.Count > 0)
            {
                await cache.InvalidateQueriesAsync(changed);
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Reads the actions in effect before the gateway takes its first search (a restart serves reviews at once).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Review actions could not be read at start: {Error}", e.Message);
        }

        await base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _refresh.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.RefreshMs));
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The reviews already read stay in effect; the next tick tries again.
                logger.LogWarning("Review actions could not be read: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static FrozenDictionary<string, QueryReview> Build(IReadOnlyList<ReviewAction> inEffect) =>
        inEffect.GroupBy(a => a.Submission.Query, StringComparer.Ordinal).ToFrozenDictionary(
            g => g.Key,
            g =>
            {
                var curated = g.LastOrDefault(a => a.Submission.Kind == ReviewActionKind.Correct);
                var blocks = g.Where(a => a.Submission.Kind == ReviewActionKind.Block).ToList();
                return new QueryReview(
                    curated is null ? null : CuratedBox(curated.Submission),
                    blocks.Where(b => b.Submission.Scope == BlockScope.Passage).Select(b => b.Submission.Passage!.PassageId).ToFrozenSet(StringComparer.Ordinal),
                    blocks.Where(b => b.Submission.Scope == BlockScope.Document).Select(b => b.Submission.Passage!.DocumentId).ToFrozenSet(StringComparer.Ordinal),
                    string.Join(',', g.Select(a => a.Seq)));
            },
            StringComparer.Ordinal);

    /// <summary>The answer box of a correction: its span (or written text) in its passage, marked reviewed.</summary>
    public static AnswerBox CuratedBox(ReviewSubmission correction)
    {
        var p = correction.Passage!;
        var language = TextLanguageTags.TryParse(p.Language, out var tag) ? tag : TextLanguage.Unknown;
        var passage = new Passage(p.PassageId, p.DocumentId, 0, p.Title, p.Url, p.Text, language, 0, p.Text.Length);
        return new AnswerBox(correction.Answer, passage, correction.AnswerStart, correction.AnswerEnd, 1.0, AnswerKind.Span, null, "")
        {
            ModelVersion = AnswerBox.ReviewedVersion,
            Reviewed = true,
        };
    }
}
