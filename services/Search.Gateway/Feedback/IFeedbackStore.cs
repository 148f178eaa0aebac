namespace Search.Gateway.Feedback;

/// <summary>
/// Where feedback is kept. <see cref="RecordAsync"/> returns only once the entry is durable: an acknowledged id
/// survives the process being killed.
/// </summary>
public interface IFeedbackStore
{
    /// <summary>Stores <paramref name="submission"/> and returns its new id.</summary>
    Task<string> RecordAsync(FeedbackSubmission submission, CancellationToken ct = default);

    /// <summary>The newest entries first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<FeedbackEntry>> ListAsync(int limit, CancellationToken ct = default);
}
