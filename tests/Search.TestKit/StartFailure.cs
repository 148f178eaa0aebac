using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Search.TestKit;

/// <summary>
/// Why a service's host did not start, as the host itself logged it. The exception the test host rethrows is usually
/// the host's own failure, but once in CI it was an ObjectDisposedException: WebApplicationFactory's deferred start
/// raced the app's thread disposing the failed host (2026-12-06), and the reason was lost. The host logs it first.
/// </summary>
public static class StartFailure
{
    /// <summary>Starts <paramref name="factory"/>'s server, asserts that it fails, and returns every line the host logged.</summary>
    public static IReadOnlyCollection<string> Of<TEntryPoint>(WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
    {
        var logs = new Captured();
        using var logged = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));
        Assert.ThrowsAny<Exception>(() => logged.Server);
        return logs.Lines;
    }

    /// <summary>Every log line, with its exception's message.</summary>
    private sealed class Captured : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{formatter(state, exception)} {exception?.Message}");

        public void Dispose()
        {
        }
    }
}
