namespace Search.LoadTest.Tests;

public sealed class LoadSettingsTests
{
    private static readonly string[] Base = ["--target", "http://127.0.0.1:8080", "--queries", "q.txt"];

    [Theory]
    [InlineData(new[] { "--target", "http://127.0.0.1:8080", "--queries", "q.txt" }, "give --rate R (open loop) or --concurrency N")]
    [InlineData(new[] { "--rate", "10", "--concurrency", "4" }, "--rate and --concurrency exclude each other")]
    [InlineData(new[] { "--rate", "0" }, "--rate must be a number above 0")]
    [InlineData(new[] { "--rate", "fast" }, "--rate must be a number above 0")]
    [InlineData(new[] { "--concurrency", "0" }, "--concurrency must be a whole number from 1")]
    [InlineData(new[] { "--rate", "10", "--protocol", "http" }, "--protocol must be rest or grpc, got 'http'")]
    [InlineData(new[] { "--rate", "10", "--call", "retrieve" }, "--call retrieve needs --protocol grpc")]
    [InlineData(new[] { "--rate", "10", "--call", "answer" }, "--call must be search, retrieve or ingest, got 'answer'")]
    [InlineData(new[] { "--rate", "10", "--call", "ingest", "--api-key", "k" }, "--call ingest needs --protocol grpc")]
    [InlineData(new[] { "--rate", "10", "--batch", "5" }, "--batch is for --call ingest")]
    [InlineData(new[] { "--rate", "10", "--protocol", "grpc", "--call", "ingest", "--api-key", "k", "--batch", "0" }, "--batch must be a whole number from 1 to 1000")]
    [InlineData(new[] { "--rate", "10", "--duration", "30" }, "--duration must be a positive time like 500ms, 30s or 2m, got '30'")]
    [InlineData(new[] { "--rate", "10", "--duration", "0s" }, "--duration must be a positive time")]
    [InlineData(new[] { "--rate", "10", "--duration", "3d" }, "--duration must be a positive time")]
    [InlineData(new[] { "--rate", "10", "--warmup", "-1s" }, "--warmup must be a time like")]
    [InlineData(new[] { "--rate", "10", "--timeout", "soon" }, "--timeout must be a positive time")]
    [InlineData(new[] { "--rate", "10", "--requests", "0" }, "--requests must be a whole number of at least 1")]
    [InlineData(new[] { "--rate", "10", "--repeat", "1.5" }, "--repeat must be a share from 0 to 1, got '1.5'")]
    [InlineData(new[] { "--rate", "10", "--k", "51" }, "--k must be a whole number from 1 to 50")]
    [InlineData(new[] { "--rate", "10", "--lang", "fr" }, "--lang must be en, zh-Hans or zh-Hant")]
    [InlineData(new[] { "--rate", "10", "--max-inflight", "0" }, "--max-inflight must be a whole number from 1")]
    [InlineData(new[] { "--rate", "10", "--seed", "x" }, "--seed must be a whole number")]
    [InlineData(new[] { "--rate", "10", "--out", "" }, "--out needs a file name")]
    [InlineData(new[] { "--rate", "10", "--verbose" }, "Unrecognized command or argument '--verbose'")]
    [InlineData(new[] { "--rate", "10", "extra" }, "Unrecognized command or argument 'extra'")]
    [InlineData(new[] { "--rate" }, "Required argument missing for option: '--rate'")]
    [InlineData(new[] { "--queries", "q.txt", "--rate", "10" }, "Option '--target' is required")]
    [InlineData(new[] { "--target", "127.0.0.1:8080", "--queries", "q.txt", "--rate", "10" }, "--target must be an absolute http:// or https:// URL")]
    [InlineData(new[] { "--target", "http://127.0.0.1:8080", "--rate", "10" }, "Option '--queries' is required")]
    public async Task BadOptionsExitWithTwoAndAMessageNamingTheOption(string[] extra, string message)
    {
        var args = extra.Length > 0 && extra[0] is "--target" or "--queries" ? extra : [.. Base, .. extra];
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await LoadTestApp.RunAsync(args, output, error, TestContext.Current.CancellationToken);

        Assert.Equal(2, code);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--help", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void OptionsAreReadWithTheirUnits()
    {
        var settings = Parse(
        [
            .. Base, "--protocol", "grpc", "--call", "retrieve", "--rate", "200.5", "--duration", "2m", "--warmup", "500ms", "--timeout", "1.5s",
            "--requests", "1000", "--repeat", "0.3", "--k", "5", "--lang", "zh-Hans", "--max-inflight", "64",
            "--out", "r.json", "--plot", "p.png", "--seed", "42",
        ]);

        Assert.Equal(TargetProtocol.Grpc, settings.Protocol);
        Assert.True(settings.RetrieveOnly);
        Assert.True(settings.IsOpenLoop);
        Assert.Equal(200.5, settings.Rate);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.Warmup);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.Timeout);
        Assert.Equal(1000, settings.Requests);
        Assert.Equal(0.3, settings.Repeat);
        Assert.Equal(5, settings.K);
        Assert.Equal("zh-Hans", settings.Language);
        Assert.Equal(64, settings.MaxInflight);
        Assert.Equal("r.json", settings.ReportPath);
        Assert.Equal("p.png", settings.PlotPath);
        Assert.Equal(42, settings.Seed);
    }

    [Fact]
    public void IngestTakesItsBatchAndKey()
    {
        var settings = Parse([.. Base, "--protocol", "grpc", "--call", "ingest", "--batch", "10", "--api-key", "secret", "--rate", "100"]);

        Assert.True(settings.Ingest);
        Assert.False(settings.RetrieveOnly);
        Assert.Equal(10, settings.Batch);
        Assert.Equal("secret", settings.ApiKey);
    }

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var settings = Parse([.. Base, "--concurrency", "8"]);

        Assert.False(settings.IsOpenLoop);
        Assert.Equal(8, settings.Concurrency);
        Assert.Equal(TargetProtocol.Rest, settings.Protocol);
        Assert.False(settings.RetrieveOnly);
        Assert.False(settings.Ingest);
        Assert.Equal(1, settings.Batch);
        Assert.Null(settings.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Duration);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Warmup);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Timeout);
        Assert.Null(settings.Requests);
        Assert.Equal(0, settings.Repeat);
        Assert.Equal(0, settings.K);
        Assert.Null(settings.Language);
        Assert.Equal(1000, settings.MaxInflight);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0s", 0)]
    public void DurationsTakeMillisecondsSecondsMinutesAndHours(string text, double milliseconds)
    {
        Assert.True(LoadSettings.TryParseDuration(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("5 sec")]
    [InlineData("1,5s")]
    [InlineData("8d")]
    public void DurationsWithoutAKnownUnitAreRefused(string text)
    {
        Assert.False(LoadSettings.TryParseDuration(text, out _));
    }

    [Fact]
    public async Task HelpListsEveryOptionAndExitsWithZero()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await LoadTestApp.RunAsync(["--help"], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(0, code);
        foreach (var option in new[] { "--target", "--protocol", "--call", "--rate", "--concurrency", "--duration", "--warmup", "--requests", "--queries", "--repeat", "--k", "--lang", "--timeout", "--max-inflight", "--out", "--plot", "--seed" })
        {
            Assert.Matches($@"(?m)^\s+{option} <", output.ToString());
        }

        Assert.Contains("(default 30s;", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("exit codes", output.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", error.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public async Task HelpIsShownWhateverElseTheLineHolds(string help)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await LoadTestApp.RunAsync(["--rate", "0", "--verbose", help], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(0, code);
        Assert.Contains("--max-inflight <N>", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingQueryFileExitsWithOne()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await LoadTestApp.RunAsync(["--target", "http://127.0.0.1:1", "--queries", "/nonexistent/q.txt", "--rate", "1"], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(1, code);
        Assert.Contains("cannot read queries from '/nonexistent/q.txt'", error.ToString(), StringComparison.Ordinal);
    }

    private static LoadSettings Parse(string[] args)
    {
        var command = new LoadCommand();
        var line = command.Parse(args);
        Assert.Empty(line.Errors);
        Assert.True(command.TryRead(line, out var settings, out var problem), problem);
        return settings;
    }
}
