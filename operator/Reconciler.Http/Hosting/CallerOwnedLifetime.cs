using Microsoft.Extensions.Hosting;

namespace Reconciler.Http.Hosting;

/// <summary>
/// Replaces the console lifetime: the host does not react to Ctrl+C or SIGTERM and prints nothing.
/// The caller (the CLI's run loop, a test) decides when it stops.
/// </summary>
internal sealed class CallerOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
