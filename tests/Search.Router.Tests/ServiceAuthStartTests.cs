using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Search.TestKit;

namespace Search.Router.Tests;

/// <summary>A back service without the gateway's call key (ServiceAuth:CallKey) refuses to start, naming the key.</summary>
public sealed class ServiceAuthStartTests
{
    [Fact]
    public void ABackServiceWithoutACallKeyDoesNotStart()
    {
        var logs = new Captured();
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));

        Assert.ThrowsAny<Exception>(() => factory.Server);

        // The host's own report of why it did not start. The exception the test host rethrows is usually that validation
        // failure, but once in CI it was an ObjectDisposedException: the test host's deferred start raced the app's own
        // thread disposing the failed host (2026-12-06).
        Assert.Contains(logs.Lines, l => l.Contains("ServiceAuth:CallKey is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void ABackServiceWithAShortCallKeyDoesNotStart()
    {
        var logs = new Captured();
        using var factory = new SignedHost<Program>().WithWebHostBuilder(b => b
            .UseSetting("ServiceAuth:CallKey", "short")
            .ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));

        Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains(logs.Lines, l => l.Contains("at least 32 characters", StringComparison.Ordinal));
    }

    /// <summary>Every log line of the host, with its exception's message.</summary>
    private sealed class Captured : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue($"{formatter(state, exception)} {exception?.Message}");

        public void Dispose()
        {
        }
    }
}
