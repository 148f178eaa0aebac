using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Search.TestKit;

namespace Search.Router.Tests;

/// <summary>A back service without the gateway's call key (ServiceAuth:CallKey) refuses to start, naming the key.</summary>
public sealed class ServiceAuthStartTests
{
    [Fact]
    public void ABackServiceWithoutACallKeyDoesNotStart()
    {
        using var factory = new WebApplicationFactory<Program>();

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure.GetBaseException());
        Assert.Contains("ServiceAuth:CallKey is missing", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABackServiceWithAShortCallKeyDoesNotStart()
    {
        using var factory = new SignedHost<Program>().WithWebHostBuilder(b => b.UseSetting("ServiceAuth:CallKey", "short"));

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains("at least 32 characters", failure.GetBaseException().Message, StringComparison.Ordinal);
    }
}
