namespace Search.Retrieval.Storage;

/// <summary>Opens the store when the host starts, so a bad data folder or cluster address fails start-up rather than the first call.</summary>
public sealed class StoreOpener(IPassageStore store, ILogger<StoreOpener> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stats = await store.OpenAsync(cancellationToken);
        logger.LogInformation("{Store}: {Documents} documents, {Passages} passages", store.Description, stats.Documents, stats.Passages);
    }

    // The container disposes the store (a singleton) after the server has stopped taking calls.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
