using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Search.Gateway.Pipeline;
using StackExchange.Redis;

namespace Search.Gateway.Caching;

/// <summary>Which cache state a response was computed against; a store succeeds only if it has not moved since.</summary>
public sealed record CacheStamp(string Generation, string Epoch);

/// <summary>What a lookup found: a response, or a stamp to store the fresh one under (null when the cache is not usable now).</summary>
public sealed record CacheLookup(SearchResponse? Hit, CacheStamp? Stamp)
{
    public static CacheLookup Unavailable { get; } = new(null, null);
}

/// <summary>
/// Whole gateway responses in Redis, dropped when a document they cite changes.
/// <list type="bullet">
/// <item>Entries live under <c>{prefix}a2:{generation}:{hash}</c> as <see cref="CachePayload"/> JSON; each cited
/// document has a set <c>{prefix}d:{id}</c> of the entries that cite it, which an update or delete empties; each analysed
/// term of a query has a set <c>{prefix}t:{term}</c> of the entries answering queries that hold it, which a write of a
/// document holding the term empties (<see cref="WrittenTerms"/>), so a new document is not hidden by an answer from
/// before it.</item>
/// <item>A set lives as long as entries keep joining it (a popular document, a common term) and would keep the keys of
/// entries long expired: each store also looks at three random members of every set it joins that holds more than 32,
/// and removes those whose entry is gone, which holds a set near half again its live entries.</item>
/// <item>Every invalidation bumps <c>{prefix}epoch</c>. A response is stored only if the epoch it
/// started under is still current, so a search that raced an update never caches the old fact.</item>
/// <item>An invalidation that cannot reach Redis marks a pending flush: the cache is not read
/// again until the generation has been bumped, which orphans every older entry.</item>
/// <item>Every call has a short timeout behind a circuit breaker; a Redis that is down or slow
/// makes requests uncached, never failed or slow.</item>
/// </list>
/// Scripts build entry keys from the generation, so the keys of one deployment live on one Redis
/// (or one Redis Cluster slot via a hash-tag prefix such as <c>{search}:</c>).
/// </summary>
public sealed class AnswerCache : IAsyncDisposable
{
    private const string ReadScript = """
        local gen = redis.call('GET', KEYS[1]) or '0'
        local epoch = redis.call('GET', KEYS[2]) or '0'
        return {gen, epoch, redis.call('GET', ARGV[1] .. gen .. ':' .. ARGV[2])}
        """;

    private const string StoreScript = """
        if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] or (redis.call('GET', KEYS[2]) or '0') ~= ARGV[2] then
          return 0
        end
        local key = ARGV[3] .. ARGV[1] .. ':' .. ARGV[4]
        redis.call('SET', key, ARGV[5], 'EX', ARGV[6])
        for i = 7, #ARGV do
          redis.call('SADD', ARGV[i], key)
          redis.call('EXPIRE', ARGV[i], ARGV[6])
          if redis.call('SCARD', ARGV[i]) > 32 then
            for _, member in ipairs(redis.call('SRANDMEMBER', ARGV[i], 3)) do
              if redis.call('EXISTS', member) == 0 then
                redis.call('SREM', ARGV[i], member)
              end
            end
          end
        end
        return 1
        """;

    // allow-oom (Redis 7): a Redis full under noeviction still runs invalidations and flushes, which only free
    // memory and bump a counter, so no gateway (this one or another) is left reading answers about a changed document.
    private const string InvalidateScript = """
        #!lua flags=allow-oom
        redis.call('INCR', KEYS[1])
        local dropped = 0
        for i = 2, #KEYS do
          for _, key in ipairs(redis.call('SMEMBERS', KEYS[i])) do
            dropped = dropped + redis.call('DEL', key)
          end
          redis.call('DEL', KEYS[i])
        end
        return dropped
        """;

    private const string FlushScript = """
        #!lua flags=allow-oom
        redis.call('INCR', KEYS[1])
        return redis.call('INCR', KEYS[2])
        """;

    private readonly CacheOptions _options;
    private readonly ILogger<AnswerCache> _logger;
    private readonly ResiliencePipeline _resilience;
    private readonly Lazy<Task<ConnectionMultiplexer>>? _connection;
    private readonly RedisKey _generationKey;
    private readonly RedisKey _epochKey;
    private int _flushPending;
    private long _localEpoch;

    public AnswerCache(IOptions<CacheOptions> options, ILogger<AnswerCache> logger)
    {
        _options = options.Value;
        _logger = logger;
        _generationKey = _options.KeyPrefix + "gen";
        _epochKey = _options.KeyPrefix + "epoch";
        _resilience = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(_options.BreakSeconds),
                ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutException>().Handle<TimeoutRejectedException>(),
                OnOpened = e =>
                {
                    logger.LogWarning("Answer cache off for {Seconds} s: Redis failed ({Error})", e.BreakDuration.TotalSeconds, e.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("Answer cache on again: Redis answers");
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(TimeSpan.FromMilliseconds(_options.OperationTimeoutMs))
            .Build();
        if (_options.Enabled)
        {
            _connection = new Lazy<Task<ConnectionMultiplexer>>(ConnectAsync);
        }
    }

    public bool Enabled => _options.Enabled;

    /// <summary>Counts this gateway's invalidations, Redis or not: a search that starts after one never joins a run from before it.</summary>
    public long LocalEpoch => Interlocked.Read(ref _localEpoch);

    public async Task<CacheLookup> LookupAsync(string hash)
    {
        if (!Enabled || !await FlushIfPendingAsync())
        {
            return CacheLookup.Unavailable;
        }

        var result = await TryAsync("read", db => db.ScriptEvaluateAsync(ReadScript, [_generationKey, _epochKey], [EntryPrefix, hash]));
        if (result is null)
        {
            return CacheLookup.Unavailable;
        }

        var parts = (RedisResult[])result!;
        var stamp = new CacheStamp((string)parts[0]!, (string)parts[1]!);
        if (parts[2].IsNull)
        {
            return new CacheLookup(null, stamp);
        }

        var hit = CachePayload.TryRead((byte[])parts[2]!, out var problem);
        if (hit is null)
        {
            // An entry written by another version of the gateway: a miss, overwritten by this run.
            _logger.LogWarning("Unreadable cache entry treated as a miss: {Error}", problem);
        }

        return new CacheLookup(hit, stamp);
    }

    /// <summary>
    /// Stores <paramref name="response"/> unless a document changed since <paramref name="stamp"/> was read; it is
    /// dropped when one of <paramref name="citedDocuments"/> changes, when a document holding one of
    /// <paramref name="queryTerms"/> (the analysed terms retrieval searched for) is written, or when the review of
    /// <paramref name="reviewQuery"/> changes.
    /// </summary>
    /// <returns>Whether it was stored (not when a document changed, Redis is full or unreachable, or the cache is off).</returns>
    public async Task<bool> StoreAsync(
        string hash, CacheStamp stamp, SearchResponse response, IEnumerable<string> citedDocuments, IEnumerable<string> queryTerms, string reviewQuery)
    {
        if (!Enabled)
        {
            return false;
        }

        RedisValue[] arguments =
        [
            stamp.Generation, stamp.Epoch, EntryPrefix, hash, CachePayload.Write(response), _options.TtlSeconds,
            .. citedDocuments.Distinct(StringComparer.Ordinal).Select(id => (RedisValue)DocumentKey(id)),
            .. queryTerms.Distinct(StringComparer.Ordinal).Select(term => (RedisValue)TermKey(term)),
            QueryKey(reviewQuery),
        ];
        var stored = await TryAsync("write", db => db.ScriptEvaluateAsync(StoreScript, [_generationKey, _epochKey], arguments));
        return stored is not null && (long)stored == 1;
    }

    /// <summary>
    /// Drops every cached response citing any of <paramref name="documentIds"/> and, for an upsert, every one to a query
    /// holding one of the <paramref name="written"/> terms; every cached response when those overflowed. Never throws.
    /// </summary>
    public Task InvalidateAsync(IReadOnlyCollection<string> documentIds, WrittenTerms? written = null)
    {
        if (written is { Overflowed: true })
        {
            return FlushAsync($"a write of more than {WrittenTerms.Limit} distinct terms");
        }

        var sets = documentIds.Distinct(StringComparer.Ordinal).Select(DocumentKey)
            .Concat(written?.Terms.Select(TermKey) ?? [])
            .ToList();
        return InvalidateSetsAsync(sets, "changed documents");
    }

    /// <summary>Drops every cached response to the queries whose review keys are <paramref name="reviewQueries"/>. Never throws.</summary>
    public Task InvalidateQueriesAsync(IReadOnlyCollection<string> reviewQueries) =>
        InvalidateSetsAsync(reviewQueries.Distinct(StringComparer.Ordinal).Select(QueryKey).ToList(), "reviewed queries");

    private async Task InvalidateSetsAsync(IReadOnlyCollection<string> sets, string what)
    {
        Interlocked.Increment(ref _localEpoch);
        if (!Enabled || sets.Count == 0)
        {
            return;
        }

        RedisKey[] keys = [_epochKey, .. sets.Select(key => (RedisKey)key)];
        if (await TryAsync("invalidate", db => db.ScriptEvaluateAsync(InvalidateScript, keys)) is null)
        {
            // The entries may still be in Redis: read nothing until they are orphaned.
            if (Interlocked.Exchange(ref _flushPending, 1) == 0)
            {
                _logger.LogWarning("Could not drop cached answers for {Count} {What}; the cache is flushed before its next use", sets.Count, what);
            }
        }
    }

    /// <summary>
    /// Opens the Redis connection and pings it, so the first search does not pay for connecting. False when
    /// the cache is off or Redis does not answer (the gateway works without it). Never throws for Redis.
    /// </summary>
    public async Task<bool> WarmAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return false;
        }

        try
        {
            var connection = await _connection!.Value.WaitAsync(cancellationToken);
            await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning("Answer cache: Redis does not answer yet ({Error}); searches run uncached until it does", e.Message);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { IsValueCreated: true })
        {
            try
            {
                await (await _connection.Value).DisposeAsync();
            }
            catch (RedisException)
            {
                // Nothing to close.
            }
        }
    }

    /// <summary>"a2:" since entries are JSON records: the protobuf entries of older gateways under "a:" are never read, and expire.</summary>
    private string EntryPrefix => _options.KeyPrefix + "a2:";

    private string DocumentKey(string id) => _options.KeyPrefix + "d:" + id;

    /// <summary>The set of entries answering queries that hold one analysed term (terms are short: no hash needed).</summary>
    private string TermKey(string term) => _options.KeyPrefix + "t:" + term;

    /// <summary>The set of entries answering one review key (hashed: a query may be long and hold any character).</summary>
    private string QueryKey(string reviewQuery) =>
        _options.KeyPrefix + "q:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(reviewQuery)));

    /// <summary>Orphans every cached response (the generation moves on); when Redis cannot be reached, before the cache's next use.</summary>
    private async Task FlushAsync(string why)
    {
        Interlocked.Increment(ref _localEpoch);
        if (!Enabled)
        {
            return;
        }

        if (await RunFlushAsync() is null)
        {
            if (Interlocked.Exchange(ref _flushPending, 1) == 0)
            {
                _logger.LogWarning("Could not empty the answer cache after {Why}; it is flushed before its next use", why);
            }

            return;
        }

        _logger.LogDebug("Answer cache emptied after {Why}", why);
    }

    /// <summary>Moves the generation (and the epoch) on in Redis; null when Redis failed.</summary>
    private Task<RedisResult?> RunFlushAsync() =>
        TryAsync("flush", db => db.ScriptEvaluateAsync(FlushScript, [_generationKey, _epochKey]));

    private async Task<bool> FlushIfPendingAsync()
    {
        if (Volatile.Read(ref _flushPending) == 0)
        {
            return true;
        }

        if (await RunFlushAsync() is null)
        {
            return false;
        }

        Interlocked.Exchange(ref _flushPending, 0);
        _logger.LogInformation("Answer cache flushed after Redis came back: no answer cached before the outage is served");
        return true;
    }

    /// <summary>Runs one Redis call with the timeout and breaker; null when Redis failed, timed out or is being left alone.</summary>
    private async Task<RedisResult?> TryAsync(string what, Func<IDatabase, Task<RedisResult>> call)
    {
        try
        {
            return await _resilience.ExecuteAsync(async token =>
            {
                var connection = await _connection!.Value.WaitAsync(token);
                return await call(connection.GetDatabase()).WaitAsync(token);
            });
        }
        catch (BrokenCircuitException)
        {
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or TimeoutRejectedException)
        {
            _logger.LogDebug("Answer cache {Operation} failed: {Error}", what, e.Message);
            return null;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var configuration = ConfigurationOptions.Parse(_options.Redis!);
        // Start even when Redis is down and keep reconnecting in the background: the gateway works without it.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = Math.Max(_options.OperationTimeoutMs, 1_000);
        configuration.AsyncTimeout = _options.OperationTimeoutMs;
        configuration.SyncTimeout = _options.OperationTimeoutMs;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(200, 2_000);
        return await ConnectionMultiplexer.ConnectAsync(configuration);
    }
}
