using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grpc.Core;

namespace Search.EndToEnd.Tests.Hostile;

/// <summary>
/// gRPC by hand: frames written byte by byte and posted over HTTP/2 (cleartext, prior knowledge) with HttpClient,
/// so a test can send what no generated client would (strings that are not UTF-8, messages that do not decode,
/// a frame cut short, a length prefix of 64 MB) and read the status the server answers.
/// </summary>
public sealed class RawGrpc : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Posts <paramref name="body"/> as it is (frames included) to <paramref name="method"/> ("/search.v1.Router/Route").</summary>
    public async Task<(StatusCode Status, string Message)> PostAsync(
        string address, string method, byte[] body, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address.TrimEnd('/') + method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            request.Headers.Add(key, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync(ct);
        // A trailers-only response carries the status in its headers.
        var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status")
            ?? throw new InvalidOperationException($"{method} answered without a grpc-status");
        var message = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message") ?? "";
        return ((StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), Uri.UnescapeDataString(message));
    }

    /// <summary>One uncompressed gRPC frame: a zero flag, the big-endian length, the message.</summary>
    public static byte[] Frame(byte[] message)
    {
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A protobuf length-delimited field (a string, bytes or an embedded message): tag, varint length, bytes.</summary>
    public static byte[] Field(int number, byte[] value)
    {
        var bytes = new List<byte>();
        Varint(bytes, (uint)(number << 3 | 2));
        Varint(bytes, (uint)value.Length);
        bytes.AddRange(value);
        return [.. bytes];
    }

    public static byte[] Field(int number, string value) => Field(number, Encoding.UTF8.GetBytes(value));

    public void Dispose() => _http.Dispose();

    private static void Varint(List<byte> bytes, uint value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
