using System.Collections.Concurrent;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Search.Retrieval.Embeddings;
using Search.Retrieval.Searching;
using Search.Retrieval.Storage;
using Search.Text;

namespace Search.Retrieval.Indexing;

/// <summary>
/// The passage index on disk: BM25 search, and idempotent ingest by document id that is
/// committed before it returns. Thread-safe: searches run concurrently, and so do upserts (each on
/// <see cref="RetrievalOptions.IngestThreads"/> threads; concurrent writers share one commit); deletes and
/// vector write-backs, which read the state they change, take turns with everything else.
/// English passages are stored without their vector and marked pending (<see cref="IndexFields.VectorPending"/>):
/// the index is the durable backlog that <see cref="EmbedPending"/> (run by <see cref="VectorBackfill"/>) works off.
/// The default <see cref="IPassageStore"/>: everything on this machine, nothing else to run.
/// <para>Writes are ordered and atomic: a version of a document older (by <see cref="Passage.UpdatedAtUnixMs"/>) than the
/// stored one is skipped, a batch that fails leaves nothing behind, and a writer that fails (a full disk, an I/O error)
/// is rolled back to its last commit and reopened; until it is, the index refuses writes and reports not ready.</para>
/// </summary>
public sealed partial class PassageIndex : IPassageStore, IDisposable
{
    private readonly RetrievalOptions _options;
    private readonly PassagePreparer _preparer;
    private readonly PassageEmbedder _embedder;
    private readonly Lucene.Net.Store.Directory _directory;
    private readonly Similarity _similarity;
    private readonly ILogger? _logger;
    // Replaced (under the write lock and the commit gate) when a failed writer is rolled back and reopened.
    private IndexWriter _writer;
    private SearcherManager _searchers;
    private readonly Filter _englishFilter = GroupFilter(IndexFields.EnglishGroup);
    private readonly Filter _chineseFilter = GroupFilter(IndexFields.ChineseGroup);
    private readonly Query _firstPassages = new TermQuery(new Term(IndexFields.FirstPassage, IndexFields.Yes));
    private readonly Query _pendingVectors;
    private readonly ParallelOptions _analysis;
    // Upserts share it (IndexWriter takes documents from many threads at once); a delete ("how many of these ids
    // existed") and a vector write-back ("is this still the passage that was embedded") hold it alone, so the
    // state they read is the state they change.
    // A commit holds it alone too, so no commit can catch half of a batch that is still being written (and may fail).
    private readonly ReaderWriterLockSlim _writeLock = new();
    // Versions written since the searchers were last refreshed (a refresh holds the write lock alone, so every write
    // is either in the searcher or here); a stripe of locks makes "compare with the stored version, then write" one step per id.
    private readonly ConcurrentDictionary<string, long> _unrefreshedVersions = new(StringComparer.Ordinal);
    private readonly object[] _idLocks = Enumerable.Range(0, 64).Select(_ => new object()).ToArray();
    private static readonly HashSet<string> VersionField = [IndexFields.UpdatedAt];
    // In _unrefreshedVersions: the id was deleted, so any version may be written again.
    private const long Deleted = long.MinValue;
    // Why the writer cannot be trusted now (null while it can): set by the write that failed, cleared by a reopen.
    private volatile string? _fault;
    // Change numbers applied to a writer that was rolled back: their callers must hear that nothing was stored.
    private volatile (long From, long To)[] _lost = [];
    // Group commit: every change to the writer takes a number when it is applied; a caller waits until a commit
    // covers its number, and one commit covers every change applied before it started. The gate is a semaphore so
    // that an acknowledged write waits for its commit without holding a thread: a few hundred small upserts at once
    // would otherwise block as many pool threads, and searches would starve.
    private readonly SemaphoreSlim _commitGate = new(1, 1);
    private long _applied;
    private long _committed;
    private readonly SemaphoreSlim _backlogGrew = new(0, 1);
    private bool _disposed;

    /// <param name="embedder">Gives English passages and queries their vectors; none when null.</param>
    /// <param name="directory">Wraps the index folder's Lucene directory (tests use it to make writes fail).</param>
    public PassageIndex(
        RetrievalOptions options, TimeProvider? time = null, PassageEmbedder? embedder = null, ILogger? logger = null,
        Func<Lucene.Net.Store.Directory, Lucene.Net.Store.Directory>? directory = null)
    {
        _logger = logger;
        _options = options;
        _analysis = new ParallelOptions { MaxDegreeOfParallelism = options.IngestThreads > 0 ? options.IngestThreads : Environment.ProcessorCount };
        _embedder = embedder ?? PassageEmbedder.Disabled;
        _pendingVectors = PendingVectorsQuery(_embedder.EmbedsSentences);
        // Vectors come later, from the backlog: the preparer only validates and splits.
        _preparer = new PassagePreparer(options, time);
        Path = options.ResolveDataPath();
        System.IO.Directory.CreateDirectory(Path);

        _similarity = new BM25Similarity((float)options.Bm25K1, (float)options.Bm25B);
        PassageCodec.Register();
        var folder = FSDirectory.Open(Path);
        _directory = directory is null ? folder : directory(folder);
        try
        {
            _writer = new IndexWriter(_directory, NewWriterConfig());
            // An empty commit makes a fresh folder a valid index, so readers can open it before the first ingest.
            _writer.Commit();
            _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory(_similarity));
        }
        catch
        {
            _writer?.Dispose();
            _directory.Dispose();
            throw;
        }
    }

    /// <summary>Full path of the index folder.</summary>
    public string Path { get; }

    public bool IsOpen => !Volatile.Read(ref _disposed);

    /// <summary>Why the index refuses writes now (its writer failed and could not be reopened yet); null when it takes them.</summary>
    public string? Fault => _fault;

    /// <summary>Validates, splits and stores <paramref name="documents"/>, replacing earlier versions by id; committed on return.</summary>
    /// <param name="firstIndex">Position of the first document in its stream, for rejection indexes.</param>
    public IngestResult Upsert(IReadOnlyList<IngestDocument> documents, int firstIndex = 0)
    {
        var (result, change) = Apply(documents, firstIndex);
        CommitThrough(change);
        return result;
    }

    /// <summary><see cref="Upsert"/> whose wait for the group commit holds no thread.</summary>
    public async Task<IngestResult> UpsertAsync(IReadOnlyList<IngestDocument> documents, int firstIndex = 0)
    {
        var (result, change) = Apply(documents, firstIndex);
        await CommitThroughAsync(change);
        return result;
    }

    /// <summary>
    /// Ingests a stream: each batch of <see cref="RetrievalOptions.StreamBatchSize"/> is analysed while the next
    /// is read, and the whole stream is committed once before this returns (and at least every
    /// <see cref="StreamCommitInterval"/> on the way, so a long stream becomes searchable and durable as it goes).
    /// </summary>
    public async Task<IngestResult> UpsertStreamAsync(IAsyncEnumerable<IngestDocument> documents, CancellationToken cancellationToken = default)
    {
        var result = IngestResult.Empty;
        var batch = new List<IngestDocument>(_options.StreamBatchSize);
        var firstIndex = 0;
        long change = 0;
        var sinceCommit = System.Diagnostics.Stopwatch.StartNew();
        Task<(IngestResult Result, long Change)>? applying = null;

        async Task Collect()
        {
            if (applying is null)
            {
                return;
            }

            var (applied, number) = await applying;
            applying = null;
            result = result.Add(applied);
            change = Math.Max(change, number);
            if (sinceCommit.Elapsed >= StreamCommitInterval)
            {
                await CommitThroughAsync(change);
                sinceCommit.Restart();
            }
        }

        void Start()
        {
            var documentsOfBatch = batch;
            var indexOfBatch = firstIndex;
            applying = Task.Run(() => Apply(documentsOfBatch, indexOfBatch), cancellationToken);
            firstIndex += batch.Count;
            batch = new List<IngestDocument>(_options.StreamBatchSize);
        }

        await foreach (var document in documents.WithCancellation(cancellationToken))
        {
            batch.Add(document);
            if (batch.Count < _options.StreamBatchSize)
            {
                continue;
            }

            await Collect();
            Start();
        }

        await Collect();
        if (batch.Count > 0)
        {
            Start();
            await Collect();
        }

        await CommitThroughAsync(change);
        return result;
    }

    /// <summary>How often a long ingest stream commits on its way (the acknowledgement always waits for a commit).</summary>
    public static TimeSpan StreamCommitInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Deletes every passage of each id; returns how many of the ids were in the index.</summary>
    public int Delete(IEnumerable<string> documentIds)
    {
        var (existed, change) = ApplyDelete(documentIds);
        CommitThrough(change);
        return existed;
    }

    /// <summary><see cref="Delete"/> whose wait for the group commit holds no thread.</summary>
    public async Task<int> DeleteAsync(IEnumerable<string> documentIds)
    {
        var (existed, change) = ApplyDelete(documentIds);
        await CommitThroughAsync(change);
        return existed;
    }

    private (int Existed, long Change) ApplyDelete(IEnumerable<string> documentIds)
    {
        var ids = documentIds.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return (0, 0);
        }

        RecoverIfFaulted();
        int existed;
        long change;
        Exception? failure = null;
        _writeLock.EnterWriteLock();
        try
        {
            ThrowIfNotWritable();
            try
            {
                // Upserts applied but not yet committed count as existing, as they will once their commit is done.
                RefreshHeld();
                var terms = ids.Select(id => new Term(IndexFields.DocumentId, id)).ToArray();
                existed = WithSearcher(s => terms.Count(t => s.Search(new TermQuery(t), 1).TotalHits > 0));
                if (existed == 0)
                {
                    return (0, 0);
                }

                _writer.DeleteDocuments(terms);
                // Until the searchers see the delete, the versions they hold for these ids are gone already.
                foreach (var id in ids)
                {
                    _unrefreshedVersions[id] = Deleted;
                }

                change = Interlocked.Increment(ref _applied);
            }
            catch (Exception e) when (IsWriterFailure(e))
            {
                failure = e;
                MarkFaulted("delete", e);
                existed = 0;
                change = 0;
            }
        }
        finally
        {
            _writeLock.ExitWriteLock();
        }

        if (failure is not null)
        {
            throw Failed("delete", failure);
        }

        return (existed, change);
    }

    public IndexStats GetStats() => WithSearcher(searcher =>
    {
        var documents = new TotalHitCountCollector();
        searcher.Search(_firstPassages, documents);
        return new IndexStats(documents.TotalHits, searcher.IndexReader.NumDocs, CountPendingVectors(searcher));
    });

    /// <summary>English passages searchable now whose vector is not written yet (0 with embeddings off and an index built that way).</summary>
    public long PendingVectors() => WithSearcher(CountPendingVectors);

    /// <summary>
    /// Works off one round of the vector backlog: takes up to <see cref="EmbeddingOptions.BackfillPassages"/>
    /// pending passages, embeds them (sorted by length) and writes each vector into its passage, committed
    /// before this returns. A passage that an upsert replaced or a delete removed meanwhile is left alone
    /// (a replacement is pending itself). Taken is 0 when the backlog is empty or embeddings are off.
    /// </summary>
    /// <param name="encoder">The model session to encode with (the backfill's own, low-priority one); the index's when null.</param>
    public VectorRound EmbedPending(PassageEmbedder? encoder = null, CancellationToken cancellationToken = default)
    {
        encoder ??= _embedder;
        if (!_embedder.IsEnabled || !encoder.IsEnabled)
        {
            return new VectorRound(0, 0);
        }

        var pending = PendingPassages(_options.Embeddings.BackfillPassages);
        if (pending.Count == 0)
        {
            return new VectorRound(0, 0);
        }

        var vectors = encoder.EmbedPassages(pending, cancellationToken);
        var sentences = encoder.EmbedSentences(pending, cancellationToken);
        return new VectorRound(pending.Count, WriteVectors(pending, vectors, sentences));
    }

    /// <summary>Up to <paramref name="limit"/> passages of the vector backlog, as they are stored now.</summary>
    public IReadOnlyList<Passage> PendingPassages(int limit) => WithSearcher(searcher => searcher.Search(_pendingVectors, limit).ScoreDocs
        .Select(hit => IndexFields.FromLucene(searcher.Doc(hit.Doc)))
        .ToList());

    /// <summary>
    /// Writes <paramref name="vectors"/>[i], computed from <paramref name="embedded"/>[i], into that passage if it
    /// still holds the same title and text and still waits for a vector; committed on return. Returns how many were written.
    /// </summary>
    /// <param name="sentences">the sentence vectors computed with them, when there are any</param>
    public int WriteVectors(IReadOnlyList<Passage> embedded, IReadOnlyList<float[]?> vectors, IReadOnlyList<SentenceVectors?>? sentences = null)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(vectors.Count, embedded.Count);
        var written = 0;
        long change = 0;
        Exception? failure = null;
        _writeLock.EnterWriteLock();
        try
        {
            ThrowIfNotWritable();
            try
            {
                // Every upsert applied so far is visible after this refresh, and none can start until the lock is let go.
                RefreshHeld();
                var current = WithSearcher(searcher => embedded.Select(p => CurrentPassage(searcher, p.PassageId)).ToList());
                for (var i = 0; i < embedded.Count; i++)
                {
                    if (current[i] is not { } now || !OwedVectors(now) || !PassageEmbedder.SameInput(now, embedded[i]))
                    {
                        continue;
                    }

                    // The passage as it is now (url and dates included), with the vector of the same title and text.
                    _writer.UpdateDocument(
                        new Term(IndexFields.PassageId, now.PassageId),
                        IndexFields.ToLucene(now with { Embedding = vectors[i], VectorPending = false, Sentences = sentences?[i] ?? now.Sentences }));
                    written++;
                }

                change = Interlocked.Increment(ref _applied);
            }
            catch (Exception e) when (IsWriterFailure(e))
            {
                failure = e;
                MarkFaulted("vector write-back", e);
            }
        }
        finally
        {
            _writeLock.ExitWriteLock();
        }

        if (failure is not null)
        {
            throw Failed("vector write-back", failure);
        }

        CommitThrough(change);
        return written;
    }

    /// <summary>The index's segments now (each search looks every query term up in each of them).</summary>
    public int SegmentCount() => WithSearcher(searcher => searcher.IndexReader.Leaves.Count);

    /// <summary>
    /// Merges the index down to at most <paramref name="maxSegments"/> segments (Lucene's forceMerge), commits and
    /// refreshes the searchers; returns the count before. A search looks each query term up in every segment, and
    /// the backfill leaves a segment per round: on SciFact with its vectors written, 8 segments cost 2.0-2.5 ms of
    /// CPU per search of 10 passages and one 0.9-1.5 ms. Upserts may run meanwhile; closing the index waits for it.
    /// </summary>
    public int MergeSegments(int maxSegments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSegments, 1);
        int before;
        long change = 0;
        Exception? failure = null;
        _writeLock.EnterReadLock();
        try
        {
            ThrowIfNotWritable();
            before = SegmentCount();
            if (before <= maxSegments)
            {
                return before;
            }

            try
            {
                _writer.ForceMerge(maxSegments, doWait: true);
                change = Interlocked.Increment(ref _applied);
            }
            catch (Exception e) when (IsWriterFailure(e))
            {
                failure = e;
                MarkFaulted("merge", e);
            }
        }
        finally
        {
            _writeLock.ExitReadLock();
        }

        if (failure is not null)
        {
            throw Failed("merge", failure);
        }

        CommitThrough(change);
        return before;
    }

    /// <summary>Returns when an upsert may have added to the vector backlog since the last call, or when <paramref name="timeout"/> passes.</summary>
    public void WaitForBacklog(TimeSpan timeout, CancellationToken cancellationToken) =>
        _backlogGrew.Wait(timeout, cancellationToken);

    /// <summary>
    /// The best <paramref name="topK"/> passages for <paramref name="query"/> by BM25.
    /// <see cref="TextLanguage.Unknown"/> searches every language; either Chinese script matches both.
    /// A query with no searchable terms (only stop words or punctuation) finds nothing.
    /// </summary>
    /// <param name="detail">How much of each hit is read: <see cref="HitDetail.IdsOnly"/> reads only the fields a ranking needs.</param>
    public SearchResult Search(string query, TextLanguage language = TextLanguage.Unknown, int topK = 0, HitDetail detail = HitDetail.Highlighted, bool similarity = true)
    {
        var terms = QueryBuilder.Terms(query);
        if (terms.Count == 0)
        {
            return SearchResult.Empty;
        }

        topK = topK <= 0 ? _options.DefaultTopK : Math.Min(topK, _options.MaxTopK);
        var lucene = QueryBuilder.Build(terms, _options.TitleBoost);
        var filter = IndexFields.GroupOf(language) switch
        {
            IndexFields.EnglishGroup => _englishFilter,
            IndexFields.ChineseGroup => _chineseFilter,
            _ => null,
        };
        var highlight = detail == HitDetail.Highlighted;
        var fields = detail != HitDetail.IdsOnly ? null : similarity ? IndexFields.RankingWithVector : IndexFields.Ranking;
        var (passages, totalHits) = WithSearcher(searcher =>
        {
            var top = searcher.Search(lucene, filter, topK);
            var found = new List<(Passage Passage, double Score, IReadOnlyList<TextRange>? Highlights)>(top.ScoreDocs.Length);
            foreach (var hit in top.ScoreDocs)
            {
                var passage = IndexFields.FromLucene(fields is null ? searcher.Doc(hit.Doc) : searcher.Doc(hit.Doc, fields));
                var spans = highlight ? PassageHighlighter.FromTermVector(searcher.IndexReader, hit.Doc, IndexFields.Text, terms) : null;
                found.Add((passage, hit.Score, spans));
            }

            return (found, top.TotalHits);
        });

        // The query is embedded only when asked and some hit has a vector to compare with (never for Chinese).
        var queryVector = similarity && passages.Any(p => p.Passage.Embedding is not null) ? _embedder.EmbedQuery(query, language) : null;
        var termSet = terms.ToHashSet(StringComparer.Ordinal);
        var hits = passages
            .Select(p => new SearchHit(
                p.Passage,
                p.Score,
                // Passages indexed before term vectors were kept are analysed again.
                !highlight ? [] : p.Highlights ?? PassageHighlighter.Highlight(p.Passage.Text, termSet),
                PassageEmbedder.Similarity(queryVector, p.Passage.Embedding),
                SentenceScore.Of(queryVector, p.Passage.Sentences)))
            .ToList();
        return new SearchResult(hits, totalHits);
    }

    string IPassageStore.Description => $"Lucene index at {Path}";

    Task<IndexStats> IPassageStore.OpenAsync(CancellationToken cancellationToken) => Task.FromResult(GetStats());

    Task<IngestResult> IPassageStore.UpsertAsync(IReadOnlyList<IngestDocument> documents, int firstIndex, CancellationToken cancellationToken) =>
        UpsertAsync(documents, firstIndex);

    Task<IngestResult> IPassageStore.UpsertStreamAsync(IAsyncEnumerable<IngestDocument> documents, CancellationToken cancellationToken) =>
        UpsertStreamAsync(documents, cancellationToken);

    Task<int> IPassageStore.DeleteAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken) =>
        DeleteAsync(documentIds);

    Task<IndexStats> IPassageStore.GetStatsAsync(CancellationToken cancellationToken) => Task.FromResult(GetStats());

    Task<SearchResult> IPassageStore.SearchAsync(string query, TextLanguage language, int topK, HitDetail detail, bool similarity, CancellationToken cancellationToken) =>
        Task.FromResult(Search(query, language, topK, detail, similarity));

    Task<(bool Healthy, string Reason)> IPassageStore.CheckHealthAsync(CancellationToken cancellationToken) =>
        Task.FromResult(CheckHealth());

    public void Dispose()
    {
        // The order every holder of both takes them in: the commit gate, then the write lock.
        _commitGate.Wait();
        _writeLock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
            _searchers.Dispose();
            if (_fault is null)
            {
                // Disposing the writer commits anything pending and releases the folder's write lock.
                _writer.Dispose();
            }
            else
            {
                // A failed writer's changes were never acknowledged: drop them.
                try
                {
                    _writer.Rollback();
                }
                catch (Exception e)
                {
                    _logger?.LogWarning(e, "Lucene index at {Path}: rollback on close failed", Path);
                }
            }

            _directory.Dispose();
        }
        finally
        {
            _writeLock.ExitWriteLock();
            _commitGate.Release();
        }
    }

    /// <summary>
    /// Validates and splits <paramref name="documents"/> and hands them to the writer on <see cref="RetrievalOptions.IngestThreads"/> threads;
    /// returns the change number that a commit must cover before the result may be acknowledged (0: nothing written).
    /// </summary>
    private (IngestResult Result, long Change) Apply(IReadOnlyList<IngestDocument> documents, int firstIndex)
    {
        // Validation and splitting are CPU work that needs no lock.
        var batch = _preparer.Prepare(documents, firstIndex);
        if (batch.Documents.Count == 0)
        {
            return (new IngestResult(batch.Accepted, 0, batch.Rejected), 0);
        }

        // Written one after another, a later version of an id replaced an earlier one in the same batch; written in
        // parallel, only the last version of each id is written at all (the validator keeps only that one already).
        var latest = batch.Documents.GroupBy(d => d.DocumentId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var pendsVector = latest.Any(d => d.Passages.Any(p => _embedder.Embeds(p.Language)));
        RecoverIfFaulted();
        long change = 0;
        var passages = 0;
        Exception? failure = null;
        _writeLock.EnterReadLock();
        try
        {
            ThrowIfNotWritable();
            try
            {
                Parallel.ForEach(latest, _analysis, document =>
                {
                    if (WriteIfNewer(document))
                    {
                        Interlocked.Add(ref passages, document.Passages.Count);
                    }
                });
                change = Interlocked.Increment(ref _applied);
            }
            catch (Exception e) when (IsWriterFailure(e))
            {
                // Part of the batch may be in the writer: no commit may take it (one needs the write lock, held
                // apart from this read lock), and the rollback below removes it.
                failure = e is AggregateException { InnerExceptions.Count: > 0 } many ? many.InnerExceptions[0] : e;
                MarkFaulted("upsert", failure);
            }
        }
        finally
        {
            _writeLock.ExitReadLock();
        }

        if (failure is not null)
        {
            throw Failed("upsert", failure);
        }

        if (pendsVector && _backlogGrew.CurrentCount == 0)
        {
            try
            {
                _backlogGrew.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another upsert signalled first: one wake-up is enough.
            }
        }

        return (new IngestResult(batch.Accepted, passages, batch.Rejected), change);
    }

    /// <summary>
    /// Replaces the stored passages of <paramref name="document"/>'s id unless the stored version is newer; false when
    /// it is (the write is skipped: a newer version already won). The caller holds the write lock's read side.
    /// </summary>
    private bool WriteIfNewer(PreparedDocument document)
    {
        var id = document.DocumentId;
        lock (_idLocks[(StringComparer.Ordinal.GetHashCode(id) & int.MaxValue) % _idLocks.Length])
        {
            var stored = _unrefreshedVersions.TryGetValue(id, out var unrefreshed) ? (unrefreshed == Deleted ? null : unrefreshed) : StoredVersion(id);
            if (stored is { } version && version > document.UpdatedAtUnixMs)
            {
                return false;
            }

            // Deletes every old passage of the id and adds the new ones as one atomic block: no orphans.
            _writer.UpdateDocuments(
                new Term(IndexFields.DocumentId, id),
                document.Passages.Select(p => IndexFields.ToLucene(_embedder.Embeds(p.Language) ? p with { VectorPending = true } : p)));
            _unrefreshedVersions[id] = document.UpdatedAtUnixMs;
            return true;
        }
    }

    /// <summary>The <see cref="Passage.UpdatedAtUnixMs"/> the searchers hold for <paramref name="id"/>; null when they hold none.</summary>
    private long? StoredVersion(string id) => WithSearcher(searcher =>
    {
        var top = searcher.Search(new TermQuery(new Term(IndexFields.DocumentId, id)), 1);
        return top.ScoreDocs.Length == 0
            ? (long?)null
            : searcher.Doc(top.ScoreDocs[0].Doc, VersionField).GetField(IndexFields.UpdatedAt)?.GetInt64Value() ?? 0;
    });

    /// <summary>Returns once a commit (and a refresh of the searchers) covers change <paramref name="change"/>; one commit serves every waiting writer.</summary>
    private void CommitThrough(long change)
    {
        ThrowIfLost(change);
        if (change == 0 || Volatile.Read(ref _committed) >= change)
        {
            return;
        }
        Exception? failure = null;
        _commitGate.Wait();
        try
        {
            failure = CommitHeld(change);
        }
        finally
        {
            _commitGate.Release();
        }

        if (failure is not null)
        {
            throw Failed("commit", failure);
        }
    }

    /// <summary><see cref="CommitThrough"/> for async callers: waiting for the commit in progress holds no thread.</summary>
    private async Task CommitThroughAsync(long change)
    {
        ThrowIfLost(change);
        if (change == 0 || Volatile.Read(ref _committed) >= change)
        {
            return;
        }
        Exception? failure = null;
        await _commitGate.WaitAsync();
        try
        {
            failure = CommitHeld(change);
        }
        finally
        {
            _commitGate.Release();
        }

        if (failure is not null)
        {
            throw Failed("commit", failure);
        }
    }

    /// <summary>
    /// Commits unless a commit since the caller's change covers it already; the caller holds the gate. Returns the
    /// writer's failure, if it failed (the caller rolls back once it has let the gate go).
    /// </summary>
    private Exception? CommitHeld(long change)
    {
        // A rollback may have taken the change while this caller waited for the gate.
        ThrowIfLost(change);
        if (_committed >= change)
        {
            return null;
        }

        // Alone: an upsert still writing could fail after a commit took its first documents.
        _writeLock.EnterWriteLock();
        try
        {
            ThrowIfNotWritable();
            // Every change numbered up to here was applied before its number was taken, so this commit holds it.
            var covered = Volatile.Read(ref _applied);
            try
            {
                _writer.Commit();
                RefreshHeld();
            }
            catch (Exception e) when (IsWriterFailure(e))
            {
                MarkFaulted("commit", e);
                return e;
            }

            Volatile.Write(ref _committed, covered);
            return null;
        }
        finally
        {
            _writeLock.ExitWriteLock();
        }
    }

    /// <summary>Makes every applied change visible to searches; the caller holds the write lock alone, so no write is half done.</summary>
    private void RefreshHeld()
    {
        _searchers.MaybeRefreshBlocking();
        _unrefreshedVersions.Clear();
    }

    private IndexWriterConfig NewWriterConfig() => new(SearchAnalyzer.Version, new SearchAnalyzer())
    {
        OpenMode = OpenMode.CREATE_OR_APPEND,
        Similarity = _similarity,
        Codec = new PassageCodec(),
        // Fewer, larger flushed segments now that a stream commits once at its end (the default is 16 MB).
        RAMBufferSizeMB = 64,
    };

    /// <summary>
    /// The vector backlog: passages marked pending at ingest and, with sentence vectors on, English passages stored without
    /// them (embedded before they existed, or while embeddings were off), which get both vectors again.
    /// </summary>
    private static Query PendingVectorsQuery(bool sentences)
    {
        var marked = new TermQuery(new Term(IndexFields.VectorPending, IndexFields.Yes));
        if (!sentences)
        {
            return marked;
        }

        var withoutSentences = new BooleanQuery
        {
            { new TermQuery(new Term(IndexFields.LanguageGroup, IndexFields.EnglishGroup)), Occur.MUST },
            { new TermQuery(new Term(IndexFields.HasSentences, IndexFields.Yes)), Occur.MUST_NOT },
        };
        return new BooleanQuery
        {
            { marked, Occur.SHOULD },
            { withoutSentences, Occur.SHOULD },
        };
    }

    /// <summary>Whether the backfill owes <paramref name="passage"/> its vectors: marked pending, or English without sentence vectors while they are on.</summary>
    private bool OwedVectors(Passage passage) =>
        passage.VectorPending || (_embedder.EmbedsSentences && passage.Sentences is null && _embedder.Embeds(passage.Language));

    private long CountPendingVectors(IndexSearcher searcher)
    {
        var pending = new TotalHitCountCollector();
        searcher.Search(_pendingVectors, pending);
        return pending.TotalHits;
    }

    private static Passage? CurrentPassage(IndexSearcher searcher, string passageId)
    {
        var top = searcher.Search(new TermQuery(new Term(IndexFields.PassageId, passageId)), 1);
        return top.ScoreDocs.Length == 0 ? null : IndexFields.FromLucene(searcher.Doc(top.ScoreDocs[0].Doc));
    }

    private T WithSearcher<T>(Func<IndexSearcher, T> read)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var searchers = _searchers;
            IndexSearcher searcher;
            try
            {
                searcher = searchers.Acquire();
            }
            catch (ObjectDisposedException) when (!ReferenceEquals(searchers, Volatile.Read(ref _searchers)))
            {
                // A recovery replaced the searchers between reading the field and acquiring: use the new ones.
                continue;
            }

            try
            {
                return read(searcher);
            }
            finally
            {
                searchers.Release(searcher);
            }
        }
    }

    private static Filter GroupFilter(string group) =>
        new CachingWrapperFilter(new QueryWrapperFilter(new TermQuery(new Term(IndexFields.LanguageGroup, group))));

    /// <summary>One round of the vector backfill: passages taken from the backlog, and those whose vector was written (the rest had been replaced or deleted).</summary>
    public readonly record struct VectorRound(int Taken, int Written);

    /// <summary>Searchers must score with the same BM25 parameters the options ask for.</summary>
    private sealed class Bm25SearcherFactory(Similarity similarity) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = similarity };
    }
}
