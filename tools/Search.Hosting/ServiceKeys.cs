using System.Security.Cryptography;

namespace Search.Hosting;

/// <summary>
/// The service-to-service keys of one cluster (ServiceAuth:CallKey for all five services, ServiceAuth:WriteKey for
/// the gateway and retrieval only), new random ones per cluster. They reach the services as environment variables,
/// not arguments, so they do not show in the process list.
/// </summary>
public sealed record ServiceKeys(string CallKey, string WriteKey)
{
    public const string CallKeyVariable = "ServiceAuth__CallKey";
    public const string WriteKeyVariable = "ServiceAuth__WriteKey";

    public static ServiceKeys Random() => new(NewKey(), NewKey());

    /// <summary>What service <paramref name="name"/> gets: the call key, and the write key for "Gateway" and "Retrieval".</summary>
    public IReadOnlyDictionary<string, string> EnvironmentFor(string name) => name is "Gateway" or "Retrieval"
        ? new Dictionary<string, string> { [CallKeyVariable] = CallKey, [WriteKeyVariable] = WriteKey }
        : new Dictionary<string, string> { [CallKeyVariable] = CallKey };

    // 32 random bytes, base64url: 43 characters.
    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
