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
/// </summary>
public sealed class PassageIndex : IPassageStore, IDisposable
{
    private readonly RetrievalOptions _options;
    private readonly PassagePreparer _preparer;
    private readonly PassageEmbedder _embedder;
    private readonly FSDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly Filter _englishFilter = GroupFilter(IndexFields.EnglishGroup);
    private readonly Filter _chineseFilter = GroupFilter(IndexFields.ChineseGroup);
    private readonly Query _firstPassages = new TermQuery(new Term(IndexFields.FirstPassage, IndexFields.Yes));
    private readonly Query _pendingVectors = new TermQuery(new Term(IndexFields.VectorPending, IndexFields.Yes));
    private readonly ParallelOptions _analysis;
    // Upserts share it (IndexWriter takes documents from many threads at once); a delete ("how many of these ids
    // existed") and a vector write-back ("is this still the passage that was embedded") hold it alone, so the
    // state they read is the state they change.
    private readonly ReaderWriterLockSlim _writeLock = new();
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
    public PassageIndex(RetrievalOptions options, TimeProvider? time = null, PassageEmbedder? embedder = null)
    {
        _options = options;
        _analysis = new ParallelOptions { MaxDegreeOfParallelism = options.IngestThreads > 0 ? options.IngestThreads : Environment.ProcessorCount };
        _embedder = embedder ?? PassageEmbedder.Disabled;
        // Vectors come later, from the backlog: the preparer only validates and splits.
        _preparer = new PassagePreparer(options, time);
        Path = options.ResolveDataPath();
        System.IO.Directory.CreateDirectory(Path);

        var similarity = new BM25Similarity((float)options.Bm25K1, (float)options.Bm25B);
        PassageCodec.Register();
        _directory = FSDirectory.Open(Path);
        try
        {
            var config = new IndexWriterConfig(SearchAnalyzer.Version, new SearchAnalyzer())
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = similarity,
                Codec = new PassageCodec(),
                // Fewer, larger flushed segments now that a stream commits once at its end (the default is 16 MB).
                RAMBufferSizeMB = 64,
            };
            _writer = new IndexWriter(_directory, config);
            // An empty commit makes a fresh folder a valid index, so readers can open it before the first ingest.
            _writer.Commit();
            _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory(similarity));
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

        int existed;
        long change;
        _writeLock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Upserts applied but not yet committed count as existing, as they will once their commit is done.
            _searchers.MaybeRefreshBlocking();
            var terms = ids.Select(id => new Term(IndexFields.DocumentId, id)).ToArray();
            existed = WithSearcher(s => terms.Count(t => s.Search(new TermQuery(t), 1).TotalHits > 0));
            if (existed == 0)
            {
                return (0, 0);
            }

            _writer.DeleteDocuments(terms);
            change = Interlocked.Increment(ref _applied);
        }
        finally
        {
            _writeLock.ExitWriteLock();
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
        return new VectorRound(pending.Count, WriteVectors(pending, vectors));
    }

    /// <summary>Up to <paramref name="limit"/> passages of the vector backlog, as they are stored now.</summary>
    public IReadOnlyList<Passage> PendingPassages(int limit) => WithSearcher(searcher => searcher.Search(_pendingVectors, limit).ScoreDocs
        .Select(hit => IndexFields.FromLucene(searcher.Doc(hit.Doc)))
        .ToList());

    /// <summary>
    /// Writes <paramref name="vectors"/>[i], computed from <paramref name="embedded"/>[i], into that passage if it
    /// still holds the same title and text and still waits for a vector; committed on return. Returns how many were written.
    /// </summary>
    public int WriteVectors(IReadOnlyList<Passage> embedded, IReadOnlyList<float[]?> vectors)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(vectors.Count, embedded.Count);
        var written = 0;
        long change;
        _writeLock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Every upsert applied so far is visible after this refresh, and none can start until the lock is let go.
            _searchers.MaybeRefreshBlocking();
            var current = WithSearcher(searcher => embedded.Select(p => CurrentPassage(searcher, p.PassageId)).ToList());
            for (var i = 0; i < embedded.Count; i++)
            {
                if (current[i] is not { VectorPending: true } now || !PassageEmbedder.SameInput(now, embedded[i]))
                {
                    continue;
                }

                // The passage as it is now (url and dates included), with the vector of the same title and text.
                _writer.UpdateDocument(
                    new Term(IndexFields.PassageId, now.PassageId),
                    IndexFields.ToLucene(now with { Embedding = vectors[i], VectorPending = false }));
                written++;
            }

            change = Interlocked.Increment(ref _applied);
        }
        finally
        {
            _writeLock.ExitWriteLock();
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
        long change;
        _writeLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            before = SegmentCount();
            if (before <= maxSegments)
            {
                return before;
            }

            _writer.ForceMerge(maxSegments, doWait: true);
            change = Interlocked.Increment(ref _applied);
        }
        finally
        {
            _writeLock.ExitReadLock();
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
    /// <param name="highlight">False skips the highlight spans (evaluation needs only the ranking).</param>
    public SearchResult Search(string query, TextLanguage language = TextLanguage.Unknown, int topK = 0, bool highlight = true, bool similarity = true)
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
        var (passages, totalHits) = WithSearcher(searcher =>
        {
            var top = searcher.Search(lucene, filter, topK);
            var found = new List<(Passage Passage, double Score, IReadOnlyList<TextRange>? Highlights)>(top.ScoreDocs.Length);
            foreach (var hit in top.ScoreDocs)
            {
                var passage = IndexFields.FromLucene(searcher.Doc(hit.Doc));
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
                PassageEmbedder.Similarity(queryVector, p.Passage.Embedding)))
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

    Task<SearchResult> IPassageStore.SearchAsync(string query, TextLanguage language, int topK, bool highlight, bool similarity, CancellationToken cancellationToken) =>
        Task.FromResult(Search(query, language, topK, highlight, similarity));

    Task<(bool Healthy, string Reason)> IPassageStore.CheckHealthAsync(CancellationToken cancellationToken) =>
        Task.FromResult(IsOpen ? (true, $"index open at {Path}") : (false, "index is closed"));

    public void Dispose()
    {
        _writeLock.EnterWriteLock();
        _commitGate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
            _searchers.Dispose();
            // Disposing the writer commits anything pending and releases the folder's write lock.
            _writer.Dispose();
            _directory.Dispose();
        }
        finally
        {
            _commitGate.Release();
            _writeLock.ExitWriteLock();
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
        // parallel, only the last version of each id is written at all.
        var latest = batch.Documents.GroupBy(d => d.DocumentId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var pendsVector = latest.Any(d => d.Passages.Any(p => _embedder.Embeds(p.Language)));
        long change;
        _writeLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Parallel.ForEach(latest, _analysis, document =>
                // Deletes every old passage of the id and adds the new ones as one atomic block: no orphans.
                _writer.UpdateDocuments(
                    new Term(IndexFields.DocumentId, document.DocumentId),
                    document.Passages.Select(p => IndexFields.ToLucene(_embedder.Embeds(p.Language) ? p with { VectorPending = true } : p))));
            change = Interlocked.Increment(ref _applied);
        }
        finally
        {
            _writeLock.ExitReadLock();
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

        return (new IngestResult(batch.Accepted, batch.Documents.Sum(d => d.Passages.Count), batch.Rejected), change);
    }

    /// <summary>Returns once a commit (and a refresh of the searchers) covers change <paramref name="change"/>; one commit serves every waiting writer.</summary>
    private void CommitThrough(long change)
    {
        if (change == 0 || Volatile.Read(ref _committed) >= change)
        {
            return;
        }

        _commitGate.Wait();
        try
        {
            CommitHeld(change);
        }
        finally
        {
            _commitGate.Release();
        }
    }

    /// <summary><see cref="CommitThrough"/> for async callers: waiting for the commit in progress holds no thread.</summary>
    private async Task CommitThroughAsync(long change)
    {
        if (change == 0 || Volatile.Read(ref _committed) >= change)
        {
            return;
        }

        await _commitGate.WaitAsync();
        try
        {
            CommitHeld(change);
        }
        finally
        {
            _commitGate.Release();
        }
    }

    /// <summary>Commits unless a commit since the caller's change covers it already; the caller holds the gate.</summary>
    private void CommitHeld(long change)
    {
        if (_committed >= change)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        // Every change numbered up to here was applied before its number was taken, so this commit holds it.
        var covered = Volatile.Read(ref _applied);
        _writer.Commit();
        _searchers.MaybeRefreshBlocking();
        Volatile.Write(ref _committed, covered);
    }

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
        ObjectDisposedException.ThrowIf(_disposed, this);
        var searcher = _searchers.Acquire();
        try
        {
            return read(searcher);
        }
        finally
        {
            _searchers.Release(searcher);
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
