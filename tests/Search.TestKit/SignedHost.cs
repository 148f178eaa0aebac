using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Search.TestKit;

/// <summary>
/// The service-to-service keys of the in-process tests: a back service under test gets them (ServiceAuth), and
/// test clients sign their calls with them as the gateway does (<see cref="CreateSignedInvoker"/>).
/// </summary>
public static class TestServiceKeys
{
    public const string CallKey = "test-call-key-not-a-secret-0123456789abcdef";
    public const string WriteKey = "test-write-key-not-a-secret-0123456789abcdef";

    public static void Apply(IWebHostBuilder builder)
    {
        builder.UseSetting("ServiceAuth:CallKey", CallKey);
        builder.UseSetting("ServiceAuth:WriteKey", WriteKey);
    }

    /// <summary>A call invoker whose calls carry the call and write tokens, as the gateway's do.</summary>
    public static CallInvoker CreateSignedInvoker(this ChannelBase channel) =>
        channel.CreateCallInvoker().Intercept(new ServiceTokenInterceptor(CallKey, WriteKey, TimeProvider.System));
}

/// <summary>A back service's real host (TestServer) configured with <see cref="TestServiceKeys"/>.</summary>
public class SignedHost<TEntryPoint> : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) => TestServiceKeys.Apply(builder);
}
