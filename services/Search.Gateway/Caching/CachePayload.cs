using System.Text.Json;
using System.Text.Json.Serialization;
using Search.Gateway.Pipeline;

namespace Search.Gateway.Caching;

/// <summary>
/// A cached response as it is stored in Redis: the gateway's own record as source-generated JSON. Enums are
/// written by name and every field a record declares must be present, so an entry that no longer fits the
/// record reads as a miss instead of a half-empty response.
/// </summary>
internal static class CachePayload
{
    public static byte[] Write(SearchResponse response) => JsonSerializer.SerializeToUtf8Bytes(response, CacheJsonContext.Default.SearchResponse);

    /// <summary>The stored response, or null (with the reason) when the entry cannot be read as one.</summary>
    public static SearchResponse? TryRead(byte[] payload, out string? problem)
    {
        try
        {
            problem = null;
            return JsonSerializer.Deserialize(payload, CacheJsonContext.Default.SearchResponse)
                ?? throw new JsonException("the entry is JSON null");
        }
        catch (JsonException e)
        {
            problem = e.Message;
            return null;
        }
    }
}

[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(SearchResponse))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
