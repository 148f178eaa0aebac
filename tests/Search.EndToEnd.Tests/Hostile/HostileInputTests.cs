using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Search.Client;
using Search.Contracts.V1;

namespace Search.EndToEnd.Tests.Hostile;

/// <summary>A cluster with the production limits (no small body limit) and one neighbour document that must survive every case.</summary>
public sealed class HostileClusterFixture : ClusterFixture
{
    public const string NeighbourId = "hostile-neighbour";

    public RawGrpc Raw { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var stored = await Client.UpsertAsync([new Document { Id = NeighbourId, Title = "Marblewick", Text = "The marblewick lantern was first lit in the harbour of Quendle in 1872." }]);
        Assert.Equal(1, stored.Accepted);
    }

    /// <summary>The gRPC address of a service: the gateway's public port or one of the back services.</summary>
    public string Address(string service) => service switch
    {
        "Gateway" => Cluster.GatewayGrpcAddress,
        _ => Cluster[service].GrpcAddress,
    };

    public Dictionary<string, string> IngestKey => new() { ["x-api-key"] = Cluster.IngestApiKey };

    public async Task<long> DocumentsAsync() => (await Client.GetStatsAsync()).Documents;

    /// <summary>The neighbour is still stored and found: a refused input took nothing with it.</summary>
    public async Task AssertNeighbourAnswersAsync(CancellationToken ct)
    {
        var response = await Client.SearchAsync("marblewick lantern Quendle", cancellationToken: ct);
        Assert.Equal(NeighbourId, Assert.Single(response.Results.Take(1)).DocumentId);
    }

    public async Task<HttpResponseMessage> PostNdjsonAsync(string body, CancellationToken ct) =>
        await PostNdjsonAsync(Encoding.UTF8.GetBytes(body), ct);

    public async Task<HttpResponseMessage> PostNdjsonAsync(byte[] body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = new ByteArrayContent(body) };
        request.Headers.Add("X-Api-Key", Cluster.IngestApiKey);
        return await Http.SendAsync(request, ct);
    }

    public override async ValueTask DisposeAsync()
    {
        Raw.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>
/// Hostile input at every door (gRPC frames written by hand to the gateway's public port and to each back service,
/// NDJSON and REST ingest, the search API's query): each case gets its exact status, and nothing it sent is stored
/// while the neighbour document keeps answering.
/// </summary>
public sealed class HostileInputTests(HostileClusterFixture fixture) : IClassFixture<HostileClusterFixture>
{
    /// <summary>Not UTF-8: a stray byte, U+10000 written as two CESU-8 surrogate halves, an overlong '/'.</summary>
    private static readonly (string Kind, byte[] Bytes)[] BadStrings =
    [
        ("invalid UTF-8", [(byte)'a', 0xFF, (byte)'b']),
        ("CESU-8 surrogates", [(byte)'a', 0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80]),
        ("an overlong encoding", [0xC0, 0xAF]),
    ];

    /// <summary>Methods whose request starts with a string field 1 (the query or question), per service.</summary>
    private static readonly (string Service, string Method)[] StringMethods =
    [
        ("Gateway", "/search.v1.Gateway/Search"),
        ("Gateway", "/search.v1.Gateway/Retrieve"),
        ("Router", "/search.v1.Router/Route"),
        ("Retrieval", "/search.v1.Retrieval/Search"),
        ("Rerank", "/search.v1.Rerank/Rerank"),
        ("Answer", "/search.v1.Answer/Answer"),
    ];

    public static TheoryData<string, string, int> BadStringCalls
    {
        get
        {
            var data = new TheoryData<string, string, int>();
            foreach (var (service, method) in StringMethods)
            {
                for (var i = 0; i < BadStrings.Length; i++)
                {
                    data.Add(service, method, i);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(BadStringCalls), DisableDiscoveryEnumeration = true)]
    public async Task AStringThatIsNotUtf8IsInvalidArgumentAtEveryService(string service, string method, int badString)
    {
        var ct = TestContext.Current.CancellationToken;
        var (kind, bytes) = BadStrings[badString];

        var (status, message) = await fixture.Raw.PostAsync(fixture.Address(service), method, RawGrpc.Frame(RawGrpc.Field(1, bytes)), ct: ct);

        Assert.True(status == StatusCode.InvalidArgument, $"{kind} to {method}: {status} {message}");
        Assert.Contains("is not a valid", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gateway", "/search.v1.Gateway/Search")]
    [InlineData("Router", "/search.v1.Router/Route")]
    [InlineData("Retrieval", "/search.v1.Retrieval/Search")]
    [InlineData("Rerank", "/search.v1.Rerank/Rerank")]
    [InlineData("Answer", "/search.v1.Answer/Answer")]
    public async Task AMessageThatDoesNotDecodeIsInvalidArgument(string service, string method)
    {
        var ct = TestContext.Current.CancellationToken;
        // Field 1 says 127 bytes follow; 3 do. Then a tag with wire type 7, which does not exist.
        byte[][] undecodable = [[0x0A, 0x7F, (byte)'a', (byte)'b', (byte)'c'], [0x0F, 0x01]];

        foreach (var message in undecodable)
        {
            var (status, detail) = await fixture.Raw.PostAsync(fixture.Address(service), method, RawGrpc.Frame(message), ct: ct);
            Assert.True(status == StatusCode.InvalidArgument, $"{method}: {status} {detail}");
        }
    }

    [Fact]
    public async Task AFrameCutShortIsGrpcsOwnInternalError()
    {
        var ct = TestContext.Current.CancellationToken;
        // The prefix promises 10 bytes; the body ends after 3.
        byte[] frame = [0, 0, 0, 0, 10, 0x0A, 0x01, (byte)'a'];

        var (status, _) = await fixture.Raw.PostAsync(fixture.Address("Gateway"), "/search.v1.Gateway/Search", frame, ct: ct);

        Assert.Equal(StatusCode.Internal, status);
    }

    [Theory]
    [InlineData("Gateway", "/search.v1.Gateway/UpsertDocuments")]
    [InlineData("Retrieval", "/search.v1.Retrieval/UpsertDocuments")]
    public async Task ADocumentWithAnIdThatIsNotUtf8IsRefusedAndNothingIsStored(string service, string method)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await fixture.DocumentsAsync();
        foreach (var (kind, bytes) in BadStrings)
        {
            var document = RawGrpc.Field(1, bytes).Concat(RawGrpc.Field(3, "Text of a document whose id is broken.")).ToArray();
            var (status, message) = await fixture.Raw.PostAsync(fixture.Address(service), method, RawGrpc.Frame(RawGrpc.Field(1, document)), fixture.IngestKey, ct);
            Assert.True(status == StatusCode.InvalidArgument, $"{kind} to {method}: {status} {message}");
        }

        Assert.Equal(before, await fixture.DocumentsAsync());
        await fixture.AssertNeighbourAnswersAsync(ct);
    }

    [Fact]
    public async Task AStreamedDocumentThatIsNotUtf8EndsTheStreamWithInvalidArgument()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await fixture.DocumentsAsync();
        var broken = RawGrpc.Field(1, [(byte)'a', 0xFF]).Concat(RawGrpc.Field(3, "Broken.")).ToArray();

        var (status, message) = await fixture.Raw.PostAsync(
            fixture.Address("Gateway"), "/search.v1.Gateway/UpsertDocumentStream", RawGrpc.Frame(broken), fixture.IngestKey, ct);

        Assert.True(status == StatusCode.InvalidArgument, $"{status} {message}");
        Assert.Equal(before, await fixture.DocumentsAsync());
    }

    [Fact]
    public async Task A64MegabyteMessageToThePublicPortIsRefusedBeforeItIsRead()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await fixture.DocumentsAsync();
        var text = new string('x', 64 * 1024 * 1024);
        var document = RawGrpc.Field(1, "hostile-64mb").Concat(RawGrpc.Field(3, text)).ToArray();

        var (status, message) = await fixture.Raw.PostAsync(
            fixture.Address("Gateway"), "/search.v1.Gateway/UpsertDocuments", RawGrpc.Frame(RawGrpc.Field(1, document)), fixture.IngestKey, ct);

        Assert.True(status == StatusCode.ResourceExhausted, $"{status} {message}");
        Assert.Equal(before, await fixture.DocumentsAsync());
        await fixture.AssertNeighbourAnswersAsync(ct);
    }

    [Fact]
    public async Task ACompressedMessageThatInflatesPastTheLimitIsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        // 256 MB of zeros in a query field, gzipped to a few hundred KB: the limit is on what the message inflates to.
        var message = RawGrpc.Field(1, new byte[256 * 1024 * 1024]);
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(message);
        }

        var compressed = packed.ToArray();
        var frame = RawGrpc.Frame(compressed);
        frame[0] = 1;

        var (status, detail) = await fixture.Raw.PostAsync(
            fixture.Address("Gateway"), "/search.v1.Gateway/Search", frame, new Dictionary<string, string> { ["grpc-encoding"] = "gzip" }, ct);

        Assert.True(status == StatusCode.ResourceExhausted, $"{compressed.Length} bytes inflating to {message.Length}: {status} {detail}");
        await fixture.AssertNeighbourAnswersAsync(ct);
    }

    [Theory]
    [InlineData("Router", 65 * 1024)]
    [InlineData("Gateway", 5 * 1024 * 1024)]
    public async Task EachServiceRefusesMessagesOverItsOwnLimit(string service, int bytes)
    {
        var ct = TestContext.Current.CancellationToken;
        var method = service == "Router" ? "/search.v1.Router/Route" : "/search.v1.Gateway/Search";

        var (status, _) = await fixture.Raw.PostAsync(fixture.Address(service), method, RawGrpc.Frame(RawGrpc.Field(1, new string('q', bytes))), ct: ct);

        Assert.Equal(StatusCode.ResourceExhausted, status);
    }

    /// <summary>Bad documents in one NDJSON body beside a good one: each rejected with its reason, only the good one stored.</summary>
    [Fact]
    public async Task NdjsonDocumentsBreakingTheRulesAreRejectedOneByOneWithTheirReason()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await fixture.DocumentsAsync();
        (string Line, string Reason)[] bad =
        [
            (Json("h-js", url: "javascript:alert(document.cookie)"), "url must be an absolute http or https address"),
            (Json("h-data-url", url: "data:text/html,<script>alert(1)</script>"), "url must be an absolute http or https address"),
            (Json("h-ctrl-title", title: "Line one\nline two\u0007"), "title contains a control character (U+000A)"),
            (Json("h-big-title", title: new string('T', 450 * 1024)), "title has 460800 UTF-16 units"),
            (Json("h/slash"), "id contains a path separator"),
            (Json("h\\backslash"), "id contains a path separator"),
            (Json("h..dots"), "id is '.' or contains '..'"),
            (Json("h-bidi\u202Etxt.exe"), "id contains an invisible formatting character (U+202E"),
            (Json("h-zero\u200Bwidth"), "id contains an invisible formatting character (U+200B"),
            (Json("h-cafe\u0301"), "id is not in Unicode normalisation form C"),
            (Json("h-ctrl\u0001id"), "id contains a control character (U+0001)"),
            ("{\"id\":\"h-lone\\ud800\",\"text\":\"A lone surrogate in the id.\"}", "line 12: not a document object: Invalid use of surrogate"),
        ];
        var good = Json("h-good", text: "The quorvath bell rings twice at dusk.", title: "Quorvath", url: "https://example.org/quorvath");
        var body = string.Join('\n', bad.Select(b => b.Line).Append(good)) + "\n";

        using var response = await fixture.PostNdjsonAsync(body, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, answer);
        using var json = JsonDocument.Parse(answer);
        Assert.Equal(1, json.RootElement.GetProperty("accepted").GetInt32());
        var rejected = json.RootElement.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, bad.Length), rejected.Select(r => r.GetProperty("index").GetInt32()));
        for (var i = 0; i < bad.Length; i++)
        {
            Assert.StartsWith(bad[i].Reason, rejected[i].GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before + 1, await fixture.DocumentsAsync());
        Assert.Equal("h-good", (await fixture.Client.SearchAsync("quorvath bell", cancellationToken: ct)).Results[0].DocumentId);
        await fixture.AssertNeighbourAnswersAsync(ct);
    }

    [Fact]
    public async Task AnNdjsonLineThatIsNotUtf8IsRejectedAloneNotStoredWithReplacementCharacters()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await fixture.DocumentsAsync();
        // Line 1: two bytes that are no UTF-8 in the id. Line 2: U+10000 written as CESU-8 surrogate halves in the text.
        byte[] body =
        [
            .. "{\"id\":\"h-utf8-bad"u8, 0xFF, 0xFE, .. "\",\"text\":\"Stored altered, if at all.\"}\n"u8,
            .. "{\"id\":\"h-cesu\",\"text\":\"a "u8, 0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80, .. "\"}\n"u8,
        ];

        using var response = await fixture.PostNdjsonAsync(body, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, answer);
        using var json = JsonDocument.Parse(answer);
        Assert.Equal(0, json.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(
            ["line 1: not UTF-8 text", "line 2: not UTF-8 text"],
            json.RootElement.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("reason").GetString()));
        Assert.Equal(before, await fixture.DocumentsAsync());
    }

    [Fact]
    public async Task TwoHundredThousandSymbolsBecomeManyBoundedPassages()
    {
        var ct = TestContext.Current.CancellationToken;

        var stored = await fixture.Client.UpsertAsync([new Document { Id = "h-symbols", Text = new string('!', 200_000) }], ct);

        Assert.Equal(1, stored.Accepted);
        // Passages of at most 3,000 characters (Retrieval:PassageMaxChars): at least 67 of them, never one.
        Assert.InRange(stored.Passages, 200_000 / 3_000, 200_000);
        await fixture.AssertNeighbourAnswersAsync(ct);
    }

    [Fact]
    public async Task GrpcBatchesRejectBadDocumentsAtTheGatewayAndStoreTheRest()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await fixture.DocumentsAsync();

        var response = await fixture.Client.UpsertAsync(
        [
            new Document { Id = "h-grpc-js", Text = "Text.", Url = "javascript:alert(1)" },
            new Document { Id = "h-grpc-good", Text = "The zentrobe clock strikes thirteen." },
            new Document { Id = "h-grpc/slash", Text = "Text." },
        ], ct);

        Assert.Equal(1, response.Accepted);
        Assert.Equal([0, 2], response.Rejected.Select(r => r.Index));
        Assert.Equal(["h-grpc-js", "h-grpc/slash"], response.Rejected.Select(r => r.DocumentId));
        Assert.Equal(before + 1, await fixture.DocumentsAsync());
    }

    [Fact]
    public async Task LengthLimitsCountCharactersNotUtf16Units()
    {
        var ct = TestContext.Current.CancellationToken;
        var clef = "\U0001D11E";
        var accent = "e\u0301";
        var idAtLimit = string.Concat(Enumerable.Repeat(clef, 256));
        var titleAtLimit = string.Concat(Enumerable.Repeat(accent, 512));

        var response = await fixture.Client.UpsertAsync(
        [
            new Document { Id = idAtLimit, Text = "An id of 256 astral characters." },
            new Document { Id = idAtLimit + clef, Text = "One character too many." },
            new Document { Id = "h-title-at-limit", Title = titleAtLimit, Text = "A title of 512 combining sequences." },
            new Document { Id = "h-title-over", Title = titleAtLimit + accent, Text = "One too many." },
        ], ct);

        Assert.Equal(2, response.Accepted);
        Assert.Equal(
            ["id has 257 characters; at most 256 are accepted", "title has 513 characters; at most 512 are accepted"],
            response.Rejected.Select(r => r.Reason));

        foreach (var character in new[] { clef, accent })
        {
            var query = string.Concat(Enumerable.Repeat(character, 1000));
            using var atLimit = await fixture.Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(query), ct);
            using var over = await fixture.Http.GetAsync("/api/search?q=" + Uri.EscapeDataString(query + character), ct);
            // The page takes the same query from its own address; before the 16 KB request line both were 414.
            using var page = await fixture.Http.GetAsync("/?q=" + Uri.EscapeDataString(query), ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
            Assert.Contains("query has 1001 characters; at most 1000 are accepted", await over.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryLegalIdCanBeDeletedOverRest()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] ids = ["h id with spaces", "h-100%", "h-q?x=1&y=2#frag", "h+plus", "h.dot", "h~tilde", "h-珠穆朗玛峰", "h-\U0001D11E", "h-caf\u00E9", "h:colon;semi", "h-'quote\""];
        var stored = await fixture.Client.UpsertAsync(ids.Select(id => new Document { Id = id, Text = "Deletable over REST." }).ToList(), ct);
        Assert.Equal(ids.Length, stored.Accepted);

        foreach (var id in ids)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/documents/" + Uri.EscapeDataString(id));
            request.Headers.Add("X-Api-Key", fixture.Cluster.IngestApiKey);
            using var response = await fixture.Http.SendAsync(request, ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"DELETE '{id}': {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        Assert.Equal(0, await fixture.Client.DeleteAsync(ids, ct));
    }

    [Theory]
    [InlineData("%FF%FE", HttpStatusCode.OK)]
    [InlineData("%ED%A0%80%ED%B0%80", HttpStatusCode.OK)]
    [InlineData("%00%01%07", HttpStatusCode.BadRequest)]
    [InlineData("%E2%80%AE%E2%80%8B", HttpStatusCode.BadRequest)]
    public async Task SearchQueriesThatAreNotTextAreAnsweredNotFailed(string query, HttpStatusCode expected)
    {
        var ct = TestContext.Current.CancellationToken;

        using var api = await fixture.Http.GetAsync("/api/search?q=" + query, ct);
        using var page = await fixture.Http.GetAsync("/?q=" + query, ct);

        Assert.True(api.StatusCode == expected, $"{query}: {(int)api.StatusCode} {await api.Content.ReadAsStringAsync(ct)}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await fixture.AssertNeighbourAnswersAsync(ct);
    }

    private static string Json(string id, string text = "Some text.", string title = "", string url = "") =>
        JsonSerializer.Serialize(new { id, title, text, url });
}
