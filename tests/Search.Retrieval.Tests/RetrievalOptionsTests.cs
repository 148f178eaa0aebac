using Microsoft.Extensions.Options;

namespace Search.Retrieval.Tests;

public class RetrievalOptionsTests
{
    [Theory]
    [InlineData("Retrieval:Bm25B", "1.5", "Bm25B")]
    [InlineData("Retrieval:Bm25K1", "-1", "Bm25K1")]
    [InlineData("Retrieval:DataDirectory", "", "DataDirectory")]
    [InlineData("Retrieval:DefaultTopK", "500", "DefaultTopK")]
    public async Task BadSettingStopsStartUpNamingTheKey(string key, string value, string named)
    {
        await using var host = new RetrievalHost { Settings = { [key] = value } };

        var error = Assert.Throws<OptionsValidationException>(() => host.Server);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
