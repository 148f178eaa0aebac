using System.Net;
using System.Text.Json;
using Search.TestKit;

namespace Search.EndToEnd.Tests;

/// <summary>The cluster with its answer cache on a real redis-server the fixture starts.</summary>
public sealed class CacheClusterFixture : IngestClusterFixture
{
    protected override bool AnswerCache => true;

    protected override IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraArguments
    {
        get
        {
            var arguments = base.ExtraArguments.ToDictionary(kv => kv.Key, kv => kv.Value);
            // A short break, so the tests see the cache come back within seconds of Redis.
            arguments["Gateway"] = [.. arguments["Gateway"], "--Gateway:Cache:BreakSeconds=1"];

            // These tests need a box for one-sentence made-up facts, which the answer model (trained on
            // Wikipedia questions) gives a middling confidence (0.44 for "Ana Prost"); how right boxes
            // are at the default target is what the evaluation tests measure.
            arguments["Answer"] = ["--Answer:TargetPrecision=0.5"];
            return arguments;
        }
    }

    /// <summary>Skips the calling test when redis-server is not installed here.</summary>
    public void RequireRedis() =>
        Prerequisite.Require(Cluster.Redis is not null, "redis-server is not installed (make test installs it with apt as root)");

    /// <summary>One REST search: whether it came from the cache, the answer box text (or null) and the result ids.</summary>
    public async Task<(bool Cached, string? Answer, List<string> Ids)> AskAsync(string question, CancellationToken ct)
    {
        using var response = await Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(question), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"'{question}' answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var answer = root.TryGetProperty("answer", out var box) && box.ValueKind == JsonValueKind.Object ? box.GetProperty("text").GetString() : null;
        var ids = root.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("document_id").GetString()!).ToList();
        return (root.GetProperty("cached").GetBoolean(), answer, ids);
    }

    public async Task IngestAsync(string id, string text, CancellationToken ct)
    {
        using var response = await PostNdjsonAsync(Line(id, text), ct: ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Ingests a document and asks about it twice, so its answer is in the cache.</summary>
    public async Task CacheAnswerAsync(string id, string text, string question, CancellationToken ct)
    {
        await IngestAsync(id, text, ct);
        await AskAsync(question, ct);
        Assert.True((await AskAsync(question, ct)).Cached, $"'{question}' asked again was not served from the cache");
    }
}

/// <summary>
/// The answer cache through the gateway: hits, one pipeline run for a burst of identical misses,
/// answers dropped when a cited document changes, and Redis failing without failing a request.
/// Runs in one class so the Redis outages never overlap another cache test.
/// </summary>
public sealed class AnswerCacheTests(CacheClusterFixture fixture) : IClassFixture<CacheClusterFixture>
{
    [Fact]
    public async Task ARepeatedQuestionIsServedFromTheCacheWithTheSameAnswer()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;
        await fixture.IngestAsync("cache-hit", "The plumquat tree was first grown by Ilse Varga in 1931.", ct);

        var first = await fixture.AskAsync("Who first grew the plumquat tree?", ct);
        var second = await fixture.AskAsync("Who first grew the plumquat tree?", ct);
        // Normalisation makes full-width and extra spaces the same question.
        var third = await fixture.AskAsync("  Who first grew the plumquat tree？ ", ct);

        Assert.False(first.Cached);
        Assert.True(second.Cached);
        Assert.Equal(first.Ids, second.Ids);
        Assert.Equal(first.Answer, second.Answer);
        Assert.Equal("cache-hit", second.Ids[0]);
        Assert.True(third.Cached);
    }

    [Fact]
    public async Task AMissReadsTheCacheOnceAndStoresItsAnswerOnce()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;

        var before = await ScriptCallsAsync(ct);
        var (cached, _, _) = await fixture.AskAsync("Who painted the velmora footbridge?", ct);
        var after = await ScriptCallsAsync(ct);

        // The lookup before the run and the store after it, and nothing else: a second lookup at the start of every run
        // was a Redis round trip on every miss (CachedSearch.Retire closes the gap it covered).
        Assert.False(cached);
        Assert.Equal(2, after - before);
    }

    [Fact]
    public async Task AComputedAnswerCostsEveryServiceItsCpuAndACachedOneOnlyTheGatewaysPart()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;
        await fixture.IngestAsync("cache-cost", "The quillfern lantern was invented by Maren Holt in 1902.", ct);

        var computed = await CostsAsync("Who invented the quillfern lantern?", ct);
        var cached = await CostsAsync("Who invented the quillfern lantern?", ct);

        // Each real service measured its own part on its own threads.
        Assert.Equal(["gateway", "router", "retrieval", "rerank", "answer"], computed.Select(c => c.Stage));
        Assert.All(computed, c => Assert.True(c.CpuMs > 0, $"{c.Stage} reported no CPU"));
        Assert.Equal(["gateway"], cached.Select(c => c.Stage));
    }

    private async Task<List<(string Stage, double CpuMs)>> CostsAsync(string question, CancellationToken ct)
    {
        using var json = JsonDocument.Parse(await fixture.Http.GetStringAsync("/api/search?q=" + Uri.EscapeDataString(question), ct));
        return json.RootElement.GetProperty("costs").EnumerateArray()
            .Select(c => (c.GetProperty("stage").GetString()!, c.GetProperty("cpu_ms").GetDouble())).ToList();
    }

    [Fact]
    public async Task ABurstOfIdenticalMissesRunsThePipelineOnce()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;
        await fixture.IngestAsync("cache-burst", "The dovecrest bridge was designed by Tomas Erlund.", ct);

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => fixture.AskAsync("Who designed the dovecrest bridge?", ct)));

        Assert.Single(answers, a => !a.Cached);
        Assert.All(answers, a => Assert.Equal("cache-burst", a.Ids[0]));
    }

    [Fact]
    public async Task UpdatingOrDeletingACitedDocumentDropsTheCachedAnswer()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;
        const string question = "Who discovered the zindlewort?";
        await fixture.IngestAsync("cache-fact", "The zindlewort was discovered by Ana Prost in the Alps.", ct);
        await fixture.AskAsync(question, ct);
        var cached = await fixture.AskAsync(question, ct);
        Assert.True(cached.Cached);
        Assert.Contains("Ana Prost", cached.Answer ?? "", StringComparison.Ordinal);

        await fixture.IngestAsync("cache-fact", "The zindlewort was discovered by Bo Lindqvist in the Alps.", ct);
        var updated = await fixture.AskAsync(question, ct);

        Assert.False(updated.Cached);
        Assert.Contains("Bo Lindqvist", updated.Answer ?? "", StringComparison.Ordinal);
        Assert.True((await fixture.AskAsync(question, ct)).Cached);

        using (var delete = await fixture.DeleteAsync("cache-fact", ct: ct))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        var deleted = await fixture.AskAsync(question, ct);
        Assert.False(deleted.Cached);
        Assert.DoesNotContain("cache-fact", deleted.Ids);
    }

    /// <summary>
    /// A fact ingested after its question was asked (and its "no answer" cached) is answered at once, not when the entry
    /// expires: the write drops the answers to questions sharing a term with it and no others. A bulk write of more
    /// terms than the cache tracks drops them all.
    /// </summary>
    [Fact]
    public async Task ADocumentWrittenAfterItsQuestionWasCachedAnswersItAtOnceAndLeavesOtherAnswersCached()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;
        const string question = "Who discovered the quorblemint?";
        const string unrelated = "Where does the plimbottle grow?";
        foreach (var asked in (string[])[question, unrelated])
        {
            await fixture.AskAsync(asked, ct);
            Assert.True((await fixture.AskAsync(asked, ct)).Cached, $"'{asked}' asked again was not served from the cache");
        }

        Assert.DoesNotContain("cache-new-fact", (await fixture.AskAsync(question, ct)).Ids);

        await fixture.IngestAsync("cache-new-fact", "The quorblemint was discovered by Ilse Varga in the Alps.", ct);
        var fresh = await fixture.AskAsync(question, ct);

        Assert.False(fresh.Cached);
        Assert.Contains("cache-new-fact", fresh.Ids);
        Assert.Contains("Ilse Varga", fresh.Answer ?? "", StringComparison.Ordinal);
        Assert.True((await fixture.AskAsync(unrelated, ct)).Cached, "a write sharing no term with the question dropped its answer");

        // More distinct terms than the gateway tracks per write (WrittenTerms.Limit, 4096).
        var bulk = string.Join(' ', Enumerable.Range(0, 4200).Select(i => $"zq{i:x5}"));
        await fixture.IngestAsync("cache-bulk", bulk + ".", ct);
        Assert.False((await fixture.AskAsync(unrelated, ct)).Cached, "a write of more terms than the cache tracks left an answer cached");
    }

    /// <summary>
    /// A term's set of entries lives as long as questions holding the term keep coming, longer than the entries in it:
    /// each store removes members whose entry is gone, so the set keeps near its live entries instead of every
    /// question ever asked with the term.
    /// </summary>
    [Fact]
    public async Task ATermsSetOfEntriesLetsGoOfEntriesThatExpired()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;
        var redis = fixture.Cluster.Redis!;
        const string set = "search:t:quistlebark";
        for (var i = 0; i < 40; i++)
        {
            await fixture.AskAsync($"How old is quistlebark tree number {i}?", ct);
        }

        Assert.Equal(40, Count(await redis.SendAsync($"AUTH {redis.Password}\r\nSCARD {set}", ct)));

        // As if their time to live had passed: the entries go, their keys stay in the set.
        const string expire = "\"for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', m) end return 0\"";
        await redis.SendAsync($"AUTH {redis.Password}\r\nEVAL {expire} 1 {set}", ct);
        for (var i = 40; i < 60; i++)
        {
            await fixture.AskAsync($"How old is quistlebark tree number {i}?", ct);
        }

        // Without pruning 60: 20 live and 40 expired. Each store removes up to three expired of the three it samples.
        var left = Count(await redis.SendAsync($"AUTH {redis.Password}\r\nSCARD {set}", ct));
        Assert.InRange(left, 20, 35);

        static long Count(string? reply) =>
            long.Parse(reply!.Split("\r\n").Last(l => l.StartsWith(':')).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AKilledRedisFailsNoRequestAndTheCacheComesBackWithIt()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;
        const string question = "Who built the first snorvel engine?";
        await fixture.CacheAnswerAsync("cache-outage", "The first snorvel engine was built by Kai Mendel.", question, ct);

        fixture.Cluster.Redis!.Kill();
        for (var i = 0; i < 10; i++)
        {
            var answer = await fixture.AskAsync(question, ct);
            Assert.False(answer.Cached);
            Assert.Equal("cache-outage", answer.Ids[0]);
        }

        await fixture.Cluster.Redis.StartAsync(ct);
        await AssertCachedAgainAsync(question, ct);
    }

    [Fact]
    public async Task AnUpdateMadeWhileRedisHangsIsNotServedStaleWhenItReturns()
    {
        fixture.RequireRedis();
        var ct = TestContext.Current.CancellationToken;
        const string question = "Who painted the grellmore fresco?";
        await fixture.CacheAnswerAsync("cache-stale", "The grellmore fresco was painted by Otto Brenn.", question, ct);

        // A frozen Redis keeps its entries but answers nothing: the invalidation cannot reach it.
        await fixture.Cluster.Redis!.PauseAsync();
        try
        {
            await fixture.IngestAsync("cache-stale", "The grellmore fresco was painted by Vera Stam.", ct);
            var during = await fixture.AskAsync(question, ct);
            Assert.False(during.Cached);
            Assert.Contains("Vera Stam", during.Answer ?? "", StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Cluster.Redis.ResumeAsync();
        }

        // The old entry is still in Redis; it must never be served again.
        await AssertCachedAgainAsync(question, ct,
            answer => Assert.Contains("Vera Stam", answer.Answer ?? "", StringComparison.Ordinal));
    }

    /// <summary>Asks until an answer comes from the cache (30 s at most), checking every answer on the way with <paramref name="check"/>.</summary>
    private async Task AssertCachedAgainAsync(string question, CancellationToken ct, Action<(bool Cached, string? Answer, List<string> Ids)>? check = null)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            var answer = await fixture.AskAsync(question, ct);
            check?.Invoke(answer);
            if (answer.Cached)
            {
                return;
            }

            await Task.Delay(200, ct);
        }

        Assert.Fail("the cache was not used again within 30 s of Redis answering");
    }

    /// <summary>How many scripts Redis has run so far (the cache reads, stores and invalidates only with scripts).</summary>
    private async Task<long> ScriptCallsAsync(CancellationToken ct)
    {
        var redis = fixture.Cluster.Redis!;
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", redis.Port, ct);
        var stream = client.GetStream();
        var auth = redis.Password is null ? "" : $"AUTH {redis.Password}\r\n";
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(auth + "INFO commandstats\r\n"), ct);
        // The INFO reply is one bulk string of lines, and it ends with an empty one.
        var reply = new System.Text.StringBuilder();
        var buffer = new byte[8192];
        while (!reply.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, ct);
            Assert.True(read > 0, $"Redis closed the connection after: {reply}");
            reply.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, read));
        }

        return System.Text.RegularExpressions.Regex.Matches(reply.ToString(), @"cmdstat_eval(?:sha)?:calls=(\d+)")
            .Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
