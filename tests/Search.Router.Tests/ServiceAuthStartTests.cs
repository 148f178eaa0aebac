using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Search.TestKit;

namespace Search.Router.Tests;

/// <summary>A back service without the gateway's call key (ServiceAuth:CallKey) refuses to start, naming the key.</summary>
public sealed class ServiceAuthStartTests
{
    [Fact]
    public void ABackServiceWithoutACallKeyDoesNotStart()
    {
        using var factory = new WebApplicationFactory<Program>();

        var logged = StartFailure.Of(factory);

        Assert.Contains(logged, l => l.Contains("ServiceAuth:CallKey is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void ABackServiceWithAShortCallKeyDoesNotStart()
    {
        using var factory = new SignedHost<Program>().WithWebHostBuilder(b => b.UseSetting("ServiceAuth:CallKey", "short"));

        var logged = StartFailure.Of(factory);

        Assert.Contains(logged, l => l.Contains("at least 32 characters", StringComparison.Ordinal));
    }
}
