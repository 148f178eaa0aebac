using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Configuration section "ServiceAuth": the keys the gateway signs its calls to the back services with. Every service
/// of one deployment gets the same <see cref="CallKey"/>; only the gateway and retrieval get <see cref="WriteKey"/>.
/// </summary>
public sealed class ServiceAuthOptions
{
    public const string SectionName = "ServiceAuth";

    public const int MinKeyLength = 32;

    /// <summary>Signs every call from the gateway to router, retrieval, rerank and answer.</summary>
    [MinLength(MinKeyLength, ErrorMessage = "ServiceAuth:CallKey must be at least 32 characters (a random secret shared by the gateway and the back services)")]
    public string? CallKey { get; set; }

    /// <summary>Signs, in addition, the gateway's writes to retrieval. Empty on retrieval: it accepts no writes.</summary>
    [MinLength(MinKeyLength, ErrorMessage = "ServiceAuth:WriteKey must be at least 32 characters (a random secret shared by the gateway and retrieval only)")]
    public string? WriteKey { get; set; }

    /// <summary>How far a token's time may be from the receiver's clock, either way.</summary>
    [Range(5, 600)]
    public int MaxClockSkewSeconds { get; set; } = 60;
}

/// <summary>
/// The signed service token: <c>{unix seconds}.{base64url HMAC-SHA256(key, "{method}\n{unix seconds}")}</c> in gRPC
/// metadata. The key itself never travels; a token is good for one method and <see cref="ServiceAuthOptions.MaxClockSkewSeconds"/>.
/// </summary>
public static class ServiceTokens
{
    /// <summary>Metadata of the call token, signed with <see cref="ServiceAuthOptions.CallKey"/>.</summary>
    public const string CallHeader = "x-search-service-token";

    /// <summary>Metadata of the write token, signed with <see cref="ServiceAuthOptions.WriteKey"/>.</summary>
    public const string WriteHeader = "x-search-write-token";

    /// <param name="method">The full gRPC method name, "/search.v1.Retrieval/Search".</param>
    public static string Create(string key, string method, DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return seconds + "." + Base64Url(Sign(key, method, seconds));
    }

    /// <summary>Null when <paramref name="token"/> is good for <paramref name="method"/> now, else why not.</summary>
    public static string? Check(string key, string method, string? token, DateTimeOffset now, TimeSpan maxSkew)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "no token";
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "a malformed token";
        }

        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(FromBase64Url(token[(dot + 1)..]));
        }
        catch (FormatException)
        {
            return "a malformed token";
        }

        // Constant time, so a signature cannot be found a byte at a time from response times.
        if (!CryptographicOperations.FixedTimeEquals(presented, Sign(key, method, token[..dot])))
        {
            return "a token with a wrong signature (another key, or made for another method)";
        }

        var age = now.ToUnixTimeSeconds() - seconds;
        return Math.Abs(age) > maxSkew.TotalSeconds
            ? $"a token {age} s old, outside the {maxSkew.TotalSeconds:0} s window (clocks apart, or a replay)"
            : null;
    }

    private static byte[] Sign(string key, string method, string seconds) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(method + "\n" + seconds));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '=');
    }
}

/// <summary>
/// The client side: signs every call with the call key, and with the write key too when <paramref name="writeKey"/> is
/// given (the gateway's channel to retrieval). Each token is bound to its call's method.
/// </summary>
public sealed class ServiceTokenInterceptor(string? callKey, string? writeKey, TimeProvider time) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Signed(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Signed(context));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Signed(context));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Signed(context));

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Signed(context));

    private ClientInterceptorContext<TRequest, TResponse> Signed<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        if (string.IsNullOrEmpty(callKey) && string.IsNullOrEmpty(writeKey))
        {
            return context;
        }

        // A copy: a retried call reuses its options, and must not carry two tokens of each kind.
        var headers = new Metadata();
        foreach (var entry in context.Options.Headers ?? [])
        {
            headers.Add(entry);
        }

        var now = time.GetUtcNow();
        if (!string.IsNullOrEmpty(callKey))
        {
            headers.Add(ServiceTokens.CallHeader, ServiceTokens.Create(callKey, context.Method.FullName, now));
        }

        if (!string.IsNullOrEmpty(writeKey))
        {
            headers.Add(ServiceTokens.WriteHeader, ServiceTokens.Create(writeKey, context.Method.FullName, now));
        }

        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}

/// <summary>
/// The server side, on every back service: a call without a good call token is UNAUTHENTICATED, a write
/// (<see cref="ServiceAuthWrites"/>) without a good write token too, and PERMISSION_DENIED when this service has no
/// write key. grpc.health.v1 stays open for probes. The message says what was wrong, never a key.
/// </summary>
public sealed class ServiceAuthInterceptor(IOptions<ServiceAuthOptions> options, ServiceAuthWrites writes, TimeProvider time) : CallCheckInterceptor
{
    private readonly HashSet<string> _writeMethods = new(writes.Methods, StringComparer.Ordinal);

    protected override void Check(ServerCallContext context)
    {
        if (context.Method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal))
        {
            return;
        }

        var settings = options.Value;
        var now = time.GetUtcNow();
        var skew = TimeSpan.FromSeconds(settings.MaxClockSkewSeconds);
        var callProblem = ServiceTokens.Check(settings.CallKey ?? "", context.Method, context.RequestHeaders.GetValue(ServiceTokens.CallHeader), now, skew);
        if (callProblem is not null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                $"{context.Method} takes calls from the gateway only: it needs a service token in {ServiceTokens.CallHeader} signed with ServiceAuth:CallKey, and got {callProblem}"));
        }

        if (!_writeMethods.Contains(context.Method))
        {
            return;
        }

        if (string.IsNullOrEmpty(settings.WriteKey))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"{context.Method} is a write and this service has no ServiceAuth:WriteKey: it accepts no writes"));
        }

        var writeProblem = ServiceTokens.Check(settings.WriteKey, context.Method, context.RequestHeaders.GetValue(ServiceTokens.WriteHeader), now, skew);
        if (writeProblem is not null)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"{context.Method} is a write: only the gateway's authorised ingest may write, with a write token in {ServiceTokens.WriteHeader} signed with ServiceAuth:WriteKey, and it got {writeProblem}"));
        }
    }
}

/// <summary>The gRPC methods (full names) of a service that need the write token besides the call token.</summary>
public sealed record ServiceAuthWrites(IReadOnlyList<string> Methods);

public static class ServiceAuthExtensions
{
    /// <summary>
    /// Makes this a back service: every call except grpc.health.v1 needs the gateway's call token, and
    /// <paramref name="writeMethods"/> (full gRPC method names) its write token too. Start-up fails without ServiceAuth:CallKey.
    /// </summary>
    public static IHostApplicationBuilder AddServiceAuth(this IHostApplicationBuilder builder, params string[] writeMethods)
    {
        builder.AddValidatedOptions<ServiceAuthOptions>(ServiceAuthOptions.SectionName)
            .Validate(o => !string.IsNullOrEmpty(o.CallKey),
                "ServiceAuth:CallKey is missing: a back service takes calls only from a gateway holding the same key "
                + "(the launcher makes one per cluster; Kubernetes and podman take it from the Secret search-internal)");
        builder.Services.AddSingleton(new ServiceAuthWrites(writeMethods));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServiceAuthInterceptor>();
        // Called before AddCallCost and AddCallLimit, so no slot or cost is spent on a call that is refused.
        builder.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<ServiceAuthInterceptor>());
        return builder;
    }

    /// <summary>For the caller of the back services (the gateway): its ServiceAuth keys, checked when set, optional.</summary>
    public static IHostApplicationBuilder AddServiceTokens(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ServiceAuthOptions>(ServiceAuthOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>The client interceptor that signs a caller's calls with its ServiceAuth keys (the write key only when <paramref name="withWriteKey"/>).</summary>
    public static ServiceTokenInterceptor ServiceTokenSigner(this IServiceProvider services, bool withWriteKey = false)
    {
        var options = services.GetRequiredService<IOptions<ServiceAuthOptions>>().Value;
        return new ServiceTokenInterceptor(options.CallKey, withWriteKey ? options.WriteKey : null, services.GetService<TimeProvider>() ?? TimeProvider.System);
    }
}
