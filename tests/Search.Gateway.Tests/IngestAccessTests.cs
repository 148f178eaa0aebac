using System.Net;
using System.Text;
using System.Text.Json;

namespace Search.Gateway.Tests;

/// <summary>
/// The ingest key in a real gateway host (its downstream addresses closed): the key is checked before
/// anything is forwarded, and a gateway with no key configured accepts no writes at all.
/// </summary>
public sealed class IngestAccessTests
{
    private const string Key = "test-ingest-key";

    [Fact]
    public async Task WithTheKeyTheWriteIsForwardedAndAMissingRetrievalIs503()
    {
        await using var gateway = Gateway(Key);
        using var http = gateway.CreateClient();

        using var response = await http.SendAsync(Post("{\"id\":\"a\",\"text\":\"x\"}", Key), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("retrieval", await Detail(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("test-ingest-kez")]
    [InlineData("test-ingest-key-and-more")]
    public async Task AMissingOrWrongKeyIs401(string? presented)
    {
        await using var gateway = Gateway(Key);
        using var http = gateway.CreateClient();

        using var post = await http.SendAsync(Post("{\"id\":\"a\",\"text\":\"x\"}", presented), TestContext.Current.CancellationToken);
        using var delete = await http.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Delete, "/api/documents/a"), presented), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Contains("X-Api-Key", await Detail(post), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
    }

    [Fact]
    public async Task WithNoKeyConfiguredEveryWriteIs403EvenWithAKey()
    {
        await using var gateway = Gateway("");
        using var http = gateway.CreateClient();

        using var post = await http.SendAsync(Post("{\"id\":\"a\",\"text\":\"x\"}", "anything"), TestContext.Current.CancellationToken);
        using var delete = await http.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Delete, "/api/documents/a"), "anything"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Contains("Gateway:IngestApiKey", await Detail(post), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \n")]
    public async Task ABodyWithNoDocumentsIs400(string body)
    {
        await using var gateway = Gateway(Key);
        using var http = gateway.CreateClient();

        using var response = await http.SendAsync(Post(body, Key), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no documents", await Detail(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeclaredBodyOverTheLimitIs400BeforeAnythingIsRead()
    {
        await using var gateway = Gateway(Key, ("Gateway:MaxIngestBodyBytes", "2048"));
        using var http = gateway.CreateClient();

        using var response = await http.SendAsync(Post(new string('x', 4096), Key), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("2048", await Detail(response), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Post(string body, string? key) =>
        WithKey(new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = new StringContent(body, Encoding.UTF8, "application/x-ndjson") }, key);

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string? key)
    {
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }

    private static async Task<string> Detail(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("detail").GetString() ?? "";
    }

    private static IsolatedGateway Gateway(string key, params (string Key, string Value)[] settings) =>
        new([("Gateway:IngestApiKey", key), .. settings]);
}
