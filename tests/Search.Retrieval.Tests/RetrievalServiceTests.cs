using System.Diagnostics.Metrics;
using System.Net;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Search.Contracts.V1;

namespace Search.Retrieval.Tests;

/// <summary>In-process gRPC: the real host, real index, calls with the service's own message types.</summary>
public sealed class RetrievalServiceTests(RetrievalHost host) : IClassFixture<RetrievalHost>
{
    private readonly RetrievalClient _client = host.Client;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpsertedDocumentIsSearchableWithHighlightAndScores()
    {
        var text = "The Eiffel Tower was completed in 1889. It stands in Paris.";
        var ingest = await _client.UpsertDocumentsAsync(Batch(new Document { Id = "eiffel", Title = "Eiffel Tower", Text = text, Url = "https://example.org/eiffel", Lang = "en" }), cancellationToken: Cancel);
        Assert.Equal((1, 1), (ingest.Accepted, ingest.Passages));

        var response = await _client.SearchAsync(new RetrieveRequest { Query = "When was the Eiffel tower completed?", Language = Language.En }, cancellationToken: Cancel);

        var hit = Assert.Single(response.Passages);
        Assert.Equal(1, response.TotalHits);
        Assert.Equal(("eiffel#0", "eiffel", "Eiffel Tower", "https://example.org/eiffel"), (hit.Passage.PassageId, hit.Passage.DocumentId, hit.Passage.Title, hit.Passage.Url));
        Assert.Equal(Language.En, hit.Passage.Language);
        Assert.Equal(text[hit.Passage.StartOffset..hit.Passage.EndOffset], hit.Passage.Text);
        Assert.True(hit.Score > 0);
        Assert.Equal(hit.Score, hit.RetrievalScore);
        // Spans only: they mark the passage's own text, which is not sent twice.
        Assert.Empty(hit.Highlight.Text);
        Assert.Equal(["Eiffel", "Tower", "completed"], hit.Highlight.Spans.Select(s => hit.Passage.Text[s.Start..s.End]));
    }

    [Fact]
    public async Task EnglishHitsCarryTheirSimilarityAndChineseHitsNone()
    {
        await _client.UpsertDocumentsAsync(Batch(
            new Document { Id = "sim-en", Title = "Penicillin", Text = "Alexander Fleming discovered penicillin in 1928.", Lang = "en" },
            new Document { Id = "sim-zh", Title = "水", Text = "水在一个标准大气压下的沸点是一百摄氏度。", Lang = "zh-Hans" }), cancellationToken: Cancel);
        // The host's backfill gives the English passage its vector after the acknowledgement.
        await WaitForVectorsAsync(_client);

        var english = Assert.Single((await _client.SearchAsync(new RetrieveRequest { Query = "Who discovered penicillin?", Language = Language.En, WithSimilarity = true }, cancellationToken: Cancel)).Passages);
        var chinese = Assert.Single((await _client.SearchAsync(new RetrieveRequest { Query = "水的沸点", Language = Language.ZhHans, WithSimilarity = true }, cancellationToken: Cancel)).Passages);
        var plain = Assert.Single((await _client.SearchAsync(new RetrieveRequest { Query = "Who discovered penicillin?", Language = Language.En }, cancellationToken: Cancel)).Passages);
        var idsOnly = Assert.Single((await _client.SearchAsync(new RetrieveRequest { Query = "Who discovered penicillin?", Language = Language.En, WithSimilarity = true, IdsOnly = true }, cancellationToken: Cancel)).Passages);

        Assert.True(english.HasSimilarity);
        Assert.InRange(english.Similarity, 0.3, 1.0);
        Assert.False(chinese.HasSimilarity);
        // A plain search does not pay for the query's vector: its hits have no similarity.
        Assert.False(plain.HasSimilarity);
        Assert.Equal(english.Passage.PassageId, plain.Passage.PassageId);
        // Ids only: the same hit and similarity, no text, title or highlight.
        // (Not the score: the fixture's other documents take their vectors meanwhile, which moves BM25's statistics.)
        Assert.Equal((english.Passage.PassageId, english.Passage.DocumentId, english.Similarity), (idsOnly.Passage.PassageId, idsOnly.Passage.DocumentId, idsOnly.Similarity));
        Assert.True(idsOnly.Score > 0);
        Assert.Equal(("", ""), (idsOnly.Passage.Text, idsOnly.Passage.Title));
        Assert.Empty(idsOnly.Highlight.Spans);
    }

    [Fact]
    public async Task PendingVectorsAreCountedInStatsAndSearchSaysWhichHitsLackOne()
    {
        await using var paused = new RetrievalHost();
        // No backfill in this host: the English passage stays pending, as it is for a moment after every ingest.
        paused.Settings["Retrieval:Embeddings:Backfill"] = "false";
        var client = paused.Client;

        await client.UpsertDocumentsAsync(Batch(
            new Document { Id = "pending-en", Text = "Alexander Fleming discovered penicillin in 1928.", Lang = "en" },
            new Document { Id = "pending-zh", Text = "青霉素是弗莱明在1928年发现的。", Lang = "zh-Hans" }), cancellationToken: Cancel);

        var stats = await client.GetStatsAsync(new GetStatsRequest(), cancellationToken: Cancel);
        Assert.Equal((2L, 2L, 1L), (stats.Documents, stats.Passages, stats.PassagesPendingVectors));
        var english = await client.SearchAsync(new RetrieveRequest { Query = "Who discovered penicillin?", Language = Language.En, WithSimilarity = true }, cancellationToken: Cancel);
        Assert.False(Assert.Single(english.Passages).HasSimilarity);
        Assert.Equal(1, english.PassagesPendingVectors);
        var chinese = await client.SearchAsync(new RetrieveRequest { Query = "青霉素", Language = Language.ZhHans }, cancellationToken: Cancel);
        Assert.False(Assert.Single(chinese.Passages).HasSimilarity);
        Assert.Equal(0, chinese.PassagesPendingVectors);
        Assert.Equal(1, PendingVectorsGauge(paused));
    }

    /// <summary>The value the gauge "search.vectors.pending" of meter "Search.Retrieval" reports when it is read now.</summary>
    private static long PendingVectorsGauge(RetrievalHost host)
    {
        // Meters made by this host's factory carry it as their scope; other hosts of the test run have their own.
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        long? observed = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == "Search.Retrieval" && instrument.Name == "search.vectors.pending")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => observed = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return observed ?? throw new InvalidOperationException("the gauge search.vectors.pending was not published");
    }

    [Fact]
    public async Task TheBackfillEmbedsWhatIngestLeftPending()
    {
        await _client.UpsertDocumentsAsync(Batch(new Document { Id = "backfill-en", Text = "The Nile is the longest river in Africa.", Lang = "en" }), cancellationToken: Cancel);

        await WaitForVectorsAsync(_client);

        var hit = Assert.Single((await _client.SearchAsync(new RetrieveRequest { Query = "longest river in Africa", Language = Language.En, WithSimilarity = true }, cancellationToken: Cancel)).Passages);
        Assert.True(hit.HasSimilarity);
    }

    [Fact]
    public async Task BadDocumentsAreRejectedOneByOneThroughGrpc()
    {
        var response = await _client.UpsertDocumentsAsync(Batch(
            new Document { Id = "grpc-ok", Text = "Saturn has rings." },
            new Document { Text = "no id" },
            new Document { Id = "grpc-no-text" },
            new Document { Id = "grpc-lang", Text = "text", Lang = "xx" },
            new Document { Id = new string('i', 300), Text = "text" }), cancellationToken: Cancel);

        Assert.Equal(1, response.Accepted);
        Assert.Equal(
            [(1, "", "id is missing"), (2, "grpc-no-text", "text is missing")],
            response.Rejected.Take(2).Select(r => (r.Index, r.DocumentId, r.Reason)));
        Assert.Equal([3, 4], response.Rejected.Skip(2).Select(r => r.Index));
        Assert.All(response.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.Single((await _client.SearchAsync(new RetrieveRequest { Query = "saturn rings" }, cancellationToken: Cancel)).Passages);
    }

    [Fact]
    public async Task StreamUpsertDeleteAndStatsWorkTogether()
    {
        var before = await _client.GetStatsAsync(new GetStatsRequest(), cancellationToken: Cancel);
        using (var call = _client.UpsertDocumentStream(cancellationToken: Cancel))
        {
            for (var i = 0; i < 5; i++)
            {
                await call.RequestStream.WriteAsync(new Document { Id = $"stream-{i}", Text = $"Kangaroo fact number {i}." }, Cancel);
            }

            await call.RequestStream.WriteAsync(new Document { Id = "stream-bad" }, Cancel);
            await call.RequestStream.CompleteAsync();
            var ingest = await call;
            Assert.Equal((5, 5), (ingest.Accepted, ingest.Passages));
            Assert.Equal(5, Assert.Single(ingest.Rejected).Index);
        }

        var afterIngest = await _client.GetStatsAsync(new GetStatsRequest(), cancellationToken: Cancel);
        Assert.Equal(before.Documents + 5, afterIngest.Documents);

        var deleted = await _client.DeleteDocumentsAsync(new DeleteDocumentsRequest { DocumentIds = { "stream-0", "stream-1", "stream-unknown" } }, cancellationToken: Cancel);
        Assert.Equal(2, deleted.Deleted);

        var afterDelete = await _client.GetStatsAsync(new GetStatsRequest(), cancellationToken: Cancel);
        Assert.Equal(before.Documents + 3, afterDelete.Documents);
        Assert.Equal(3, (await _client.SearchAsync(new RetrieveRequest { Query = "kangaroo", TopK = 50 }, cancellationToken: Cancel)).TotalHits);
    }

    [Theory]
    [InlineData("", 0, "query is empty")]
    [InlineData("   \t ", 0, "query is empty")]
    [InlineData("\u0000\u0001", 0, "query is empty")]
    [InlineData("rivers", -1, "top_k must be between")]
    [InlineData("rivers", 201, "top_k must be between")]
    public async Task BadSearchRequestIsInvalidArgument(string query, int topK, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _client.SearchAsync(new RetrieveRequest { Query = query, TopK = topK }, cancellationToken: Cancel));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(message, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlongQueryAndUnknownLanguageAreInvalidArgument()
    {
        var overlong = await Assert.ThrowsAsync<RpcException>(async () =>
            await _client.SearchAsync(new RetrieveRequest { Query = new string('a', 1001) }, cancellationToken: Cancel));
        Assert.Equal(StatusCode.InvalidArgument, overlong.StatusCode);

        var language = await Assert.ThrowsAsync<RpcException>(async () =>
            await _client.SearchAsync(new RetrieveRequest { Query = "rivers", Language = (Language)42 }, cancellationToken: Cancel));
        Assert.Equal(StatusCode.InvalidArgument, language.StatusCode);
    }

    [Theory]
    [InlineData("title:(a OR b) AND \"")]
    [InlineData("*")]
    [InlineData("~")]
    [InlineData("\\")]
    [InlineData("<b onmouseover=alert(1)>rivers</b>")]
    [InlineData("the of and")]
    public async Task HostileQueryGetsANormalResponse(string query)
    {
        var response = await _client.SearchAsync(new RetrieveRequest { Query = query }, cancellationToken: Cancel);
        Assert.True(response.TotalHits >= 0);
    }

    [Fact]
    public async Task ReadinessIsHealthyOnceTheIndexIsOpenAndWarm()
    {
        using var http = host.CreateClient();
        await host.Services.GetRequiredService<WarmUpGate>().WhenWarm.WaitAsync(TimeSpan.FromMinutes(1), Cancel);
        var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static UpsertDocumentsRequest Batch(params Document[] documents) => new() { Documents = { documents } };

    /// <summary>Polls the stats until no passage waits for its vector (the model needs well under a second for a few passages).</summary>
    private static async Task WaitForVectorsAsync(RetrievalClient client)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        while ((await client.GetStatsAsync(new GetStatsRequest(), cancellationToken: limit.Token)).PassagesPendingVectors > 0)
        {
            await Task.Delay(50, limit.Token);
        }
    }
}
