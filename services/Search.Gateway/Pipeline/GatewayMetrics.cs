using System.Diagnostics.Metrics;

namespace Search.Gateway.Pipeline;

/// <summary>
/// The gateway's own metrics (meter "Search.Gateway", scraped at /metrics, exported over OTLP):
/// per-stage latency, how responses were served (cache hit ratio), the answer-box rate, how many
/// responses were degraded, how many searches were refused for overload, and what each search and each plain
/// retrieval cost in CPU over every service it touched (<see cref="SearchResponse.Costs"/>).
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Search.Gateway";

    private readonly Meter _meter;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _responses;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _cpu;
    private readonly Histogram<double> _stageCpu;
    private readonly Counter<long> _queryLogDropped;

    public GatewayMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _stageDuration = _meter.CreateHistogram<double>(
            "search.stage.duration", unit: "ms", description: "Time of one pipeline stage as the gateway saw it, by stage and status.");
        _responses = _meter.CreateCounter<long>(
            "search.responses", description: "Search responses by how they were served (computed, cache, coalesced), whether an answer box was shown and whether any stage was degraded.");
        _refused = _meter.CreateCounter<long>(
            "search.refused", description: "Searches refused by admission control (overloaded: they could not be served before their deadline).");
        _cpu = _meter.CreateHistogram<double>(
            "search.cpu", unit: "ms",
            description: "CPU one request cost over the gateway and every stage it called, each as measured by that service; by call (search, retrieve), how a search was served and whether the answer stage was called (an answered query: call=search, served_by=pipeline, answered=true).");
        _stageCpu = _meter.CreateHistogram<double>(
            "search.stage.cpu", unit: "ms", description: "CPU one service (gateway, router, retrieval, rerank, answer) spent on one request, by call and stage.");
        _queryLogDropped = _meter.CreateCounter<long>(
            "search.querylog.dropped", description: "Searches the query log did not record, by reason (queue_full, write_failed); sampling is not counted.");
    }

    public void RecordRefused() => _refused.Add(1);

    /// <param name="reason">"queue_full" (searches faster than the database takes them) or "write_failed".</param>
    public void RecordQueryLogDropped(string reason, int count = 1) => _queryLogDropped.Add(count, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Records the stage timings of a response the pipeline computed.</summary>
    public void RecordStages(SearchResponse response)
    {
        foreach (var timing in response.Timings.Where(t => t.Status != StageStatus.Skipped))
        {
            _stageDuration.Record(timing.Ms, new("stage", timing.Stage), new("status", timing.Status));
        }
    }

    /// <param name="servedBy">"pipeline", "cache" or "coalesced".</param>
    public void RecordResponse(SearchResponse response, string servedBy)
    {
        _responses.Add(
            1,
            new("served_by", servedBy),
            new("answer_box", response.Answer is null ? "none" : "shown"),
            new("degraded", response.Degraded.Count > 0 ? "true" : "false"));
        RecordCosts(response.Costs, "search", servedBy);
    }

    /// <summary>What a plain retrieval (the gateway's Retrieve) cost.</summary>
    public void RecordRetrieveCosts(IReadOnlyList<StageCost> costs) => RecordCosts(costs, "retrieve", "pipeline");

    private void RecordCosts(IReadOnlyList<StageCost> costs, string call, string servedBy)
    {
        if (costs.Count == 0)
        {
            // No thread clock on this platform: nothing was measured.
            return;
        }

        var answered = costs.Any(c => c.Stage == Stages.Answer) ? "true" : "false";
        _cpu.Record(costs.Sum(c => c.CpuMs), new("call", call), new("served_by", servedBy), new("answered", answered));
        foreach (var cost in costs)
        {
            _stageCpu.Record(cost.CpuMs, new("call", call), new("stage", cost.Stage));
        }
    }

    public void Dispose() => _meter.Dispose();
}
