using Microsoft.Extensions.Logging;
using Reconciler.Http.Hosting;
using Reconciler.Http.Tests.Support;

namespace Reconciler.Http.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task CallersLoggerFactory_ReceivesTheHostsLogs()
    {
        var recording = new RecordingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(recording).SetMinimumLevel(LogLevel.Debug));

        await using (var host = await RunningHost.StartAsync(new ReconcilerHttpOptions { LoggerFactory = loggerFactory }))
        {
            (await host.Client.GetAsync("/healthz")).Dispose();
        }

        Assert.Contains(recording.Categories, c => c.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal));
    }
}
