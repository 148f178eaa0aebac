using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Search.Retrieval.Tests;

public class RetrievalOptionsTests
{
    /// <summary>
    /// The service's own wiring (AddRetrieval) rejects a bad setting with a message naming the key.
    /// Checked on the built container rather than a started web host, whose failed start-up races
    /// its own disposal and may surface as ObjectDisposedException instead.
    /// </summary>
    [Theory]
    [InlineData("Retrieval:Bm25B", "1.5", "Bm25B")]
    [InlineData("Retrieval:Bm25K1", "-1", "Bm25K1")]
    [InlineData("Retrieval:DataDirectory", "", "DataDirectory")]
    [InlineData("Retrieval:DefaultTopK", "500", "DefaultTopK")]
    public void BadSettingStopsStartUpNamingTheKey(string key, string value, string named)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Retrieval:DataDirectory"] = Path.Combine(Path.GetTempPath(), "unused-" + Guid.NewGuid().ToString("N"));
        builder.Configuration[key] = value;
        builder.AddRetrieval();
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(
            () => host.Services.GetRequiredService<IOptions<RetrievalOptions>>().Value);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
