using System.Text.Json.Nodes;
using Search.Retrieval.Elasticsearch;

namespace Search.Retrieval.Tests.Elasticsearch;

/// <summary>
/// What the contract tests share: the store on a <see cref="FakeElasticsearch"/>, which needs no cluster, and readers
/// for the JSON it sends.
/// </summary>
public static class EsContract
{
    public const string Alias = "search-passages";

    public static ElasticsearchPassageStore Store(FakeElasticsearch fake, Action<RetrievalOptions>? configure = null)
    {
        var options = new RetrievalOptions
        {
            Backend = RetrievalBackend.Elasticsearch,
            Elasticsearch = new ElasticsearchOptions { Urls = ["http://es.test:9200"], NumberOfReplicas = 0 },
        };
        configure?.Invoke(options);
        return new ElasticsearchPassageStore(options, requestInvoker: fake);
    }

    /// <summary>A query clause list: the client writes one clause as an object and several as an array; both are valid.</summary>
    public static List<JsonNode> Items(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(n => n!).ToList(),
        _ => [node],
    };

    public static string?[] Strings(JsonNode? node) => Items(node).Select(n => (string?)n).ToArray();

    /// <summary>Field names of an object, or of an array of one-field objects.</summary>
    public static IEnumerable<string> Keys(JsonNode? node) => node is JsonObject fields
        ? fields.Select(f => f.Key)
        : Items(node).SelectMany(n => n.AsObject().Select(f => f.Key));
}
