namespace Search.Gateway.Pipeline;

/// <summary>
/// What a request cost each service, from the <see cref="CallCost"/> its edge began: the gateway's own CPU on it first,
/// then each stage reply's reported CPU in the order the replies came (a retried call appears once per attempt).
/// </summary>
public static class RequestCosts
{
    /// <summary>The costs counted so far; empty where there is no per-thread CPU clock.</summary>
    public static IReadOnlyList<StageCost> Of(CallCost cost) =>
        ThreadCpuClock.IsSupported
            ? [new StageCost(Stages.Gateway, cost.Cpu.TotalMilliseconds), .. cost.Callees.Select(c => new StageCost(c.Key, c.Value.TotalMilliseconds))]
            : [];

    /// <summary>The event as sent: the last one (the answer) carries what the whole streamed search cost.</summary>
    public static SearchEvent Stamped(this SearchEvent e, CallCost cost) =>
        e is AnswerEvent answer ? new AnswerEvent(answer.Answer with { Costs = Of(cost) }) : e;
}
