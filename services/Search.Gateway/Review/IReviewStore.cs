namespace Search.Gateway.Review;

/// <summary>
/// Where review actions are kept. A method returns only once its action is durable: an acknowledged action survives
/// the process being killed. Every replica reads the same store (<see cref="VersionAsync"/> says when it changed).
/// </summary>
public interface IReviewStore
{
    /// <summary>Stores a confirm, correct or block and returns it with its id.</summary>
    Task<ReviewAction> RecordAsync(ReviewSubmission submission, CancellationToken ct = default);

    /// <summary>
    /// Takes back action <paramref name="actionId"/> and returns the undo; null, with the reason, when there is no such
    /// action, it is an undo, or it was already taken back.
    /// </summary>
    Task<(ReviewAction? Undo, string Problem)> UndoAsync(string actionId, CancellationToken ct = default);

    /// <summary>Every action in effect (not undone, not an undo), oldest first.</summary>
    Task<IReadOnlyList<ReviewAction>> InEffectAsync(CancellationToken ct = default);

    /// <summary>Every action (undone and undos included), newest first, of one review key or of all when null.</summary>
    Task<IReadOnlyList<ReviewAction>> ListAsync(string? query, int limit, CancellationToken ct = default);

    /// <summary>A number that changes whenever an action is stored: readers reload only when it moved.</summary>
    Task<long> VersionAsync(CancellationToken ct = default);
}
