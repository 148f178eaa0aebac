namespace Search.Client;

/// <summary>The gateway could not be reached at all (nothing listening, DNS, refused connection).</summary>
public sealed class GatewayUnreachableException(string address, Exception innerException)
    : Exception($"cannot reach the gateway at {address}: is `make run` running? ({innerException.Message})", innerException)
{
    public string Address { get; } = address;
}
