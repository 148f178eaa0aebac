using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using Search.Retrieval.Storage;

namespace Search.Retrieval.Elasticsearch;

/// <summary>
/// Turns what the client reports into a <see cref="PassageStoreException"/> that names Elasticsearch, the HTTP
/// status and the cluster's own error type and reason. Overload and unavailability (429, 502, 503, 504), timeouts
/// and nodes that do not answer are retryable; anything else (a 400 mapping error, 401, 404) is not.
/// </summary>
public static class ElasticsearchFailures
{
    public static bool IsRetryable(int? status) => status is null or 0 or 408 or 429 or 502 or 503 or 504;

    public static PassageStoreException From(string action, ElasticsearchResponse response)
    {
        var details = response.ApiCallDetails;
        var status = details?.HttpStatusCode;
        if (status is null or 0)
        {
            var cause = details?.OriginalException;
            var reason = cause is null ? "no answer" : $"{cause.GetType().Name}: {cause.Message}";
            return new PassageStoreException($"Elasticsearch {action} failed: the cluster did not answer ({reason}).", retryable: true, cause);
        }

        var error = response.ElasticsearchServerError?.Error;
        var what = error is null ? "" : $" {Describe(error.Type, error.Reason)}";
        return new PassageStoreException($"Elasticsearch {action} failed: HTTP {status}{what}.", IsRetryable(status), details?.OriginalException);
    }

    public static PassageStoreException From(string action, TransportException exception)
    {
        var status = exception.ApiCallDetails?.HttpStatusCode;
        var retryable = IsRetryable(status) || exception.FailureReason is PipelineFailure.MaxTimeoutReached or PipelineFailure.MaxRetriesReached
            or PipelineFailure.PingFailure or PipelineFailure.SniffFailure or PipelineFailure.NoNodesAttempted;
        var what = status is null or 0 ? "the cluster did not answer" : $"HTTP {status}";
        return new PassageStoreException($"Elasticsearch {action} failed: {what} ({exception.Message}).", retryable, exception);
    }

    /// <summary>"type: reason", as Elasticsearch reports errors, or whichever half is present.</summary>
    public static string Describe(string? type, string? reason) => (string.IsNullOrEmpty(type), string.IsNullOrEmpty(reason)) switch
    {
        (false, false) => $"{type}: {reason}",
        (false, true) => type!,
        (true, false) => reason!,
        _ => "unknown error",
    };
}
