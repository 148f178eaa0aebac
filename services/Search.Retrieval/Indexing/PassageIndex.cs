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
/// committed before it returns. Thread-safe: searches run concurrently, writes take turns.
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
    // Writes are serialised so that "how many of these ids existed" is read from the state the write changes.
    private readonly System.Threading.Lock _writeLock = new();
    private bool _disposed;

    /// <param name="embedder">Gives English passages and queries their vectors; none when null.</param>
    public PassageIndex(RetrievalOptions options, TimeProvider? time = null, PassageEmbedder? embedder = null)
    {
        _options = options;
        _embedder = embedder ?? PassageEmbedder.Disabled;
        _preparer = new PassagePreparer(options, time, _embedder);
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
        // Validation and splitting are CPU work that needs no lock.
        var batch = _preparer.Prepare(documents, firstIndex);
        if (batch.Documents.Count == 0)
        {
            return new IngestResult(batch.Accepted, 0, batch.Rejected);
        }

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var document in batch.Documents)
            {
                // Deletes every old passage of the id and adds the new ones as one atomic block: no orphans.
                _writer.UpdateDocuments(new Term(IndexFields.DocumentId, document.DocumentId), document.Passages.Select(IndexFields.ToLucene));
            }

            CommitAndRefresh();
        }

        return new IngestResult(batch.Accepted, batch.Documents.Sum(d => d.Passages.Count), batch.Rejected);
    }

    /// <summary>Ingests a stream in batches of <see cref="RetrievalOptions.StreamBatchSize"/>, each committed.</summary>
    public Task<IngestResult> UpsertStreamAsync(IAsyncEnumerable<IngestDocument> documents, CancellationToken cancellationToken = default) =>
        this.UpsertStreamAsync(documents, _options.StreamBatchSize, cancellationToken);

    /// <summary>Deletes every passage of each id; returns how many of the ids were in the index.</summary>
    public int Delete(IEnumerable<string> documentIds)
    {
        var ids = documentIds.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return 0;
        }

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var terms = ids.Select(id => new Term(IndexFields.DocumentId, id)).ToArray();
            var existed = WithSearcher(s => terms.Count(t => s.Search(new TermQuery(t), 1).TotalHits > 0));
            if (existed == 0)
            {
                return 0;
            }

            _writer.DeleteDocuments(terms);
            CommitAndRefresh();
            return existed;
        }
    }

    public IndexStats GetStats() => WithSearcher(searcher =>
    {
        var documents = new TotalHitCountCollector();
        searcher.Search(_firstPassages, documents);
        return new IndexStats(documents.TotalHits, searcher.IndexReader.NumDocs);
    });

    /// <summary>
    /// The best <paramref name="topK"/> passages for <paramref name="query"/> by BM25.
    /// <see cref="TextLanguage.Unknown"/> searches every language; either Chinese script matches both.
    /// A query with no searchable terms (only stop words or punctuation) finds nothing.
    /// </summary>
    /// <param name="highlight">False skips the highlight spans (evaluation needs only the ranking).</param>
    public SearchResult Search(string query, TextLanguage language = TextLanguage.Unknown, int topK = 0, bool highlight = true)
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

        // The query is embedded only when some hit has a vector to compare with (never for Chinese).
        var queryVector = passages.Any(p => p.Passage.Embedding is not null) ? _embedder.EmbedQuery(query, language) : null;
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
        Task.FromResult(Upsert(documents, firstIndex));

    Task<int> IPassageStore.DeleteAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken) =>
        Task.FromResult(Delete(documentIds));

    Task<IndexStats> IPassageStore.GetStatsAsync(CancellationToken cancellationToken) => Task.FromResult(GetStats());

    Task<SearchResult> IPassageStore.SearchAsync(string query, TextLanguage language, int topK, bool highlight, CancellationToken cancellationToken) =>
        Task.FromResult(Search(query, language, topK, highlight));

    Task<(bool Healthy, string Reason)> IPassageStore.CheckHealthAsync(CancellationToken cancellationToken) =>
        Task.FromResult(IsOpen ? (true, $"index open at {Path}") : (false, "index is closed"));

    public void Dispose()
    {
        lock (_writeLock)
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
    }

    private void CommitAndRefresh()
    {
        _writer.Commit();
        _searchers.MaybeRefreshBlocking();
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

    /// <summary>Searchers must score with the same BM25 parameters the options ask for.</summary>
    private sealed class Bm25SearcherFactory(Similarity similarity) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = similarity };
    }
}
