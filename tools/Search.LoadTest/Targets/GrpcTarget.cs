using Grpc.Core;
using Search.Client;

namespace Search.LoadTest.Targets;

/// <summary>
/// The gateway's gRPC Search through <see cref="SearchClient"/>, whose deadline is the request timeout;
/// with <paramref name="retrieveOnly"/>, its Retrieve (BM25 passages alone) for the same queries.
/// </summary>
public sealed class GrpcTarget(string address, string? language, int k, TimeSpan timeout, bool retrieveOnly = false) : ISearchTarget
{
    private readonly SearchClient _client = new(address, new SearchClientOptions { SearchTimeout = timeout });

    public async Task<RequestOutcome> SearchAsync(string query, CancellationToken cancellationToken)
    {
        try
        {
            if (retrieveOnly)
            {
                var (_, costs) = await _client.RetrieveWithCostsAsync(query, k == 0 ? 10 : k, cancellationToken);
                return RequestOutcome.Success(cached: false, degraded: [], hasAnswer: false) with { Costs = CostsOf(costs) };
            }

            var response = await _client.SearchAsync(query, language, k, cancellationToken: cancellationToken);
            return RequestOutcome.Success(response.Cached, response.Degraded, response.Answer is not null) with { Costs = CostsOf(response.Costs) };
        }
        catch (GatewayUnreachableException)
        {
            return RequestOutcome.Failure(ErrorKinds.Connection);
        }
        catch (RpcException e)
        {
            return RequestOutcome.Failure(ErrorKind(e.StatusCode));
        }
    }

    private static List<KeyValuePair<string, double>> CostsOf(IEnumerable<Contracts.V1.StageCost> costs) =>
        costs.Select(c => KeyValuePair.Create(c.Stage, c.CpuMs)).ToList();

    /// <summary>The error kind of a status: the deadline is the request timeout, anything else keeps its name.</summary>
    public static string ErrorKind(StatusCode status) =>
        status == StatusCode.DeadlineExceeded ? ErrorKinds.Timeout : status.ToString();

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
