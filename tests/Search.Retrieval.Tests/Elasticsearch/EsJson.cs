using System.Text.Json;
using System.Text.Json.Nodes;

namespace Search.Retrieval.Tests.Elasticsearch;

/// <summary>Answers in the shapes Elasticsearch 9 sends them (see the REST API reference for each endpoint).</summary>
public static class EsJson
{
    public static string Health(string status) => $$"""
        {"cluster_name":"docker-cluster","status":"{{status}}","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,
         "active_primary_shards":1,"active_shards":1,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0,
         "unassigned_primary_shards":0,"delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0,
         "task_max_waiting_in_queue_millis":0,"active_shards_percent_as_number":100.0}
        """;

    /// <summary>GET /_alias/{alias}.</summary>
    public static string AliasOf(string index, string alias) =>
        new JsonObject { [index] = new JsonObject { ["aliases"] = new JsonObject { [alias] = new JsonObject() } } }.ToJsonString();

    /// <summary>PUT /{index}.</summary>
    public static string IndexCreated(string index) => $$"""{"acknowledged":true,"shards_acknowledged":true,"index":"{{index}}"}""";

    /// <summary>POST /_aliases.</summary>
    public static string Acknowledged() => """{"acknowledged":true,"errors":false}""";

    public static string Count(long count) => $$$"""{"count":{{{count}}},"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}""";

    public static string DeleteByQuery(long deleted) => $$"""
        {"took":12,"timed_out":false,"total":{{deleted}},"deleted":{{deleted}},"batches":1,"version_conflicts":0,"noops":0,
         "retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}
        """;

    public static string Reindex(long created) => $$"""
        {"took":147,"timed_out":false,"total":{{created}},"updated":0,"created":{{created}},"deleted":0,"batches":1,"version_conflicts":0,
         "noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}
        """;

    /// <summary>An error body as every API sends it, with root_cause, type, reason and status.</summary>
    public static string Error(int status, string type, string reason)
    {
        var cause = new JsonObject { ["type"] = type, ["reason"] = reason };
        return new JsonObject
        {
            ["error"] = new JsonObject { ["root_cause"] = new JsonArray(cause.DeepClone()), ["type"] = type, ["reason"] = reason },
            ["status"] = status,
        }.ToJsonString();
    }

    /// <summary>A _bulk answer for <paramref name="request"/>: every index action created, unless <paramref name="fail"/> gives an item (status, type, reason).</summary>
    public static string BulkCreated(RecordedRequest request, Func<JsonNode, (int Status, string Type, string Reason)?>? fail = null)
    {
        var lines = request.Lines;
        var items = new JsonArray();
        var errors = false;
        for (var i = 0; i + 1 < lines.Count; i += 2)
        {
            var id = lines[i]["index"]!["_id"]!.GetValue<string>();
            var failure = fail?.Invoke(lines[i + 1]);
            errors |= failure is not null;
            items.Add(failure is { } f
                ? new JsonObject
                {
                    ["index"] = new JsonObject
                    {
                        ["_index"] = "search-passages-v2",
                        ["_id"] = id,
                        ["status"] = f.Status,
                        ["error"] = new JsonObject { ["type"] = f.Type, ["reason"] = f.Reason, ["index"] = "search-passages-v2" },
                    },
                }
                : new JsonObject
                {
                    ["index"] = new JsonObject
                    {
                        ["_index"] = "search-passages-v2",
                        ["_id"] = id,
                        ["_version"] = 1,
                        ["result"] = "created",
                        ["forced_refresh"] = false,
                        ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 },
                        ["_seq_no"] = i / 2,
                        ["_primary_term"] = 1,
                        ["status"] = 201,
                    },
                });
        }

        return new JsonObject { ["errors"] = errors, ["took"] = 30, ["items"] = items }.ToJsonString();
    }

    /// <summary>A _search answer: <paramref name="total"/> matches, of which <paramref name="hits"/> are returned.</summary>
    public static string Search(long total, params JsonObject[] hits) => new JsonObject
    {
        ["took"] = 5,
        ["timed_out"] = false,
        ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 },
        ["hits"] = new JsonObject
        {
            ["total"] = new JsonObject { ["value"] = total, ["relation"] = "eq" },
            ["max_score"] = hits.Length == 0 ? null : hits.Max(h => h["_score"]!.GetValue<double>()),
            ["hits"] = new JsonArray(hits.Select(JsonNode (h) => h).ToArray()),
        },
    }.ToJsonString();

    /// <summary>One hit with its _source (as the store wrote it, analysed copies excluded) and an optional highlight.</summary>
    public static JsonObject Hit(double score, object source, string? highlightField = null, string? highlighted = null)
    {
        var hit = new JsonObject
        {
            ["_index"] = "search-passages-v2",
            ["_id"] = Guid.NewGuid().ToString("N"),
            ["_score"] = score,
            ["_source"] = JsonSerializer.SerializeToNode(source),
        };
        if (highlightField is not null)
        {
            hit["highlight"] = new JsonObject { [highlightField] = new JsonArray(highlighted) };
        }

        return hit;
    }
}
