using System.Threading.RateLimiting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// How much work a service takes on at once, shared by the gateway's admission control and the back services'
/// call limits: a configured number of slots (0 sizes it to the machine) and a limiter that queues the rest in
/// arrival order.
/// </summary>
public static class Slots
{
    /// <summary>Slots per processor when none are configured: a search mostly waits on other processes and the network.</summary>
    public const int PerProcessor = 4;

    /// <summary><paramref name="configured"/>, or <see cref="PerProcessor"/> per processor when it is 0.</summary>
    public static int Of(int configured) => configured > 0 ? configured : PerProcessor * Environment.ProcessorCount;

    /// <summary>
    /// A limiter of <paramref name="slots"/> whose waiters are served oldest first. Time bounds the wait (the caller's
    /// token); the queue's length cap only keeps a flood from growing it without end.
    /// </summary>
    public static ConcurrencyLimiter Limiter(int slots) => new(new ConcurrencyLimiterOptions
    {
        PermitLimit = slots,
        QueueLimit = slots * 64,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });
}
