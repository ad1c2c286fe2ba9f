using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Reconciler.Engine.Hosting;

namespace Reconciler.Engine.Tests.Hosting;

/// <summary>What `reconciler run` logs about a reconcile: the scope it opens names the resource, as the console shows it.</summary>
public sealed class ReconcileLogTests
{
    [Fact]
    public async Task AReconcileLogsInAScopeThatReadsAsItsResourceGenerationAndRevision()
    {
        var log = new ScopeRecorder();
        await using var world = new EngineWorld { Logger = log }.Source("hr", "1h");
        await world.StartAsync();
        await EngineWorld.Eventually(() => world.Metrics.Reconciles == 1, "the first reconcile");

        // The console formatter writes a scope as its ToString(): a dictionary showed there as its .NET type name.
        var (scope, message) = log.Entries.First(e => e.Message.StartsWith("reconciled", StringComparison.Ordinal));
        Assert.Equal("DirectorySource hr generation 1 revision r1", scope);
        Assert.StartsWith("reconciled DirectorySource/hr:", message);
        var values = log.Values.First();
        Assert.Equal("hr", values["Resource"]);
        Assert.Equal("r1", values["Revision"]);
    }

    private sealed class ScopeRecorder : ILogger<ReconcilerService>
    {
        private readonly AsyncLocal<object?> _scope = new();

        public ConcurrentQueue<(string? Scope, string Message)> Entries { get; } = new();

        public ConcurrentQueue<Dictionary<string, object?>> Values { get; } = new();

        public IDisposable BeginScope<TState>(TState state) where TState : notnull
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs) Values.Enqueue(pairs.ToDictionary(p => p.Key, p => p.Value));
            var outer = _scope.Value;
            _scope.Value = state;
            return new Restore(() => _scope.Value = outer);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((_scope.Value?.ToString(), formatter(state, exception)));

        private sealed class Restore(Action restore) : IDisposable
        {
            public void Dispose() => restore();
        }
    }
}
