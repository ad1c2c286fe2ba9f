using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reconciler.Cli.Output;
using Reconciler.Connectors;
using Reconciler.Connectors.Csv;
using Reconciler.Connectors.Ldap;
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

    public static readonly IReadOnlyList<IDirectoryConnector> Connectors =
        [new CsvDirectoryConnector(), new LdapDirectoryConnector(LdapDialect.Ldap), new LdapDirectoryConnector(LdapDialect.ActiveDirectory),
         new Connectors.Scim.ScimPushConnector()];

    public static readonly ISecretResolver Secrets = new LocalSecretResolver();

    public static SourceReader Reader { get; } = new(Connectors, Secrets, Clock);

    /// <summary>With --debug, the engine's own log (phase timings, retries) goes to standard error.</summary>
    public static ILoggerFactory Logging { get; } = Commands.CliContext.Debug
        ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
        : NullLoggerFactory.Instance;

    public static Reconciliation Reconciliation(ILoggerFactory? logging = null) =>
        new(Clock, (logging ?? Logging).CreateLogger<Reconciliation>());

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
            var read = await Reader.ReadAsync(source, SourceKeyReconciler.BaseDirectory(desired, source), store, progress, cancellationToken,
                SourceReader.ServerFiltersOf(desired, source));
            progress?.Done(read);
            if (Commands.CliContext.Debug) Console.Error.WriteLine($"debug: read {read.Name} in {read.Duration.TotalSeconds:0.000} s ({read.Mode}, {read.Changes.Count} changed)");
            reads.Add(read);
        }
        return reads;
    }
}
