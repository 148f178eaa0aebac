using Microsoft.Extensions.Options;

namespace Search.Gateway.Pipeline;

/// <summary>
/// At most Gateway:MaxConcurrentStreams streamed searches at once (SearchStream and /api/search/stream): each may
/// hold an answer-model call for up to Gateway:AnswerStreamTimeoutMs, so without a cap a few hundred open streams
/// would hold as many generations. A stream over the cap is refused at once, like an overloaded search (REST 503
/// with Retry-After, gRPC UNAVAILABLE with retry-after), before any stage sees it; plain searches are not counted.
/// Streams do not read the answer cache: it holds the plain search's responses (the extractive answer box), and a
/// stream's product is the generated answer, which is never cached.
/// </summary>
public sealed class StreamSlots(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentStreams, options.Value.MaxConcurrentStreams);

    /// <summary>Streams open now.</summary>
    public int Open => options.Value.MaxConcurrentStreams - _slots.CurrentCount;

    /// <summary>A slot for one stream, released on dispose; throws <see cref="OverloadedException"/> when all are taken.</summary>
    public IDisposable Enter()
    {
        if (!_slots.Wait(0))
        {
            throw new OverloadedException(
                $"{options.Value.MaxConcurrentStreams} answer streams are open already (Gateway:MaxConcurrentStreams); retry shortly, or use /api/search",
                TimeSpan.FromSeconds(1));
        }

        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
