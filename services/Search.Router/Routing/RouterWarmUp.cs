namespace Search.Router.Routing;

/// <summary>Routes a few English, Simplified and Traditional Chinese queries before the router reports ready.</summary>
public sealed class RouterWarmUp(QueryRouter router) : IWarmUp
{
    private static readonly string[] Queries =
    [
        "Who developed the theory of general relativity?",
        "github.com",
        "珠穆朗玛峰有多高？",
        "台北101有多少層？",
        "長城是什麼時候建造的",
    ];

    public Task WarmAsync(CancellationToken cancellationToken)
    {
        for (var round = 0; round < 3; round++)
        {
            foreach (var query in Queries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                router.TryRoute(query, null, out _, out _);
            }
        }

        return Task.CompletedTask;
    }
}
