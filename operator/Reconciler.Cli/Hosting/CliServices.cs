using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reconciler.Cli.Output;
using Reconciler.Connectors;
using Reconciler.Connectors.Csv;
using Reconciler.Connectors.Secrets;
using Reconciler.Core.Resources;
using Reconciler.Engine.Hosting;
using Reconciler.Engine.Reconciling;
using Reconciler.Store.Contract;

namespace Reconciler.Cli.Hosting;

/// <summary>The parts every command is built from: the connectors, one secret resolver, the clock and the engine's use cases.</summary>
public static class CliServices
{
    public static readonly TimeProvider Clock = TimeProvider.System;

    public static readonly IReadOnlyList<IDirectoryConnector> Connectors = [new CsvDirectoryConnector()];

    public static readonly ISecretResolver Secrets = new LocalSecretResolver();

    public static SourceReader Reader { get; } = new(Connectors, Secrets, Clock);

    public static Reconciliation Reconciliation(ILoggerFactory? logging = null) =>
        new(Clock, (logging ?? NullLoggerFactory.Instance).CreateLogger<Reconciliation>());

    /// <summary>Reads every source that is not suspended, one after another, showing progress when asked.</summary>
    public static async Task<IReadOnlyList<SourceRead>> ReadAllAsync(
        DesiredState desired, IReconcilerStore? store, bool showProgress, CancellationToken cancellationToken)
    {
        var reads = new List<SourceRead>();
        foreach (var source in desired.Sources)
        {
            if (source.Spec.Suspend)
            {
                reads.Add(SourceRead.Suspended(source));
                continue;
            }
            var progress = showProgress ? ReadProgress.For(source.Key.QualifiedName) : null;
            var read = await Reader.ReadAsync(source, SourceKeyReconciler.BaseDirectory(desired, source), store, progress, cancellationToken);
            progress?.Done(read);
            reads.Add(read);
        }
        return reads;
    }
}
