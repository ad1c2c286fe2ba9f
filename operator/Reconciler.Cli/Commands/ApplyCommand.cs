using System.CommandLine;
using Reconciler.Cli.Hosting;
using Reconciler.Cli.Output;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Engine.Reconciling;
using Reconciler.Store.Contract;

namespace Reconciler.Cli.Commands;

/// <summary>
/// `apply`: import, plan and apply in one transaction. Exit 0 applied, 1 error (nothing written), 2 applied but
/// removals are held back by a deletion guard, 130 interrupted (nothing written).
/// </summary>
public static class ApplyCommand
{
    public static Command Create()
    {
        var config = Options.Config();
        var store = Options.Store();
        var allow = Options.AllowDeletions();
        var command = new Command("apply", "Import, plan and apply in one transaction") { config, store, allow };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            var desired = CliContext.Load(parse.GetValue(config)!);
            if (desired is null) return 1;
            var location = parse.GetValue(store)!;
            return await StoreLocation.WriteAsync(location, async opened =>
            {
                var outcome = await ApplyAsync(opened, desired, desired.Sources, parse.GetValue(allow), ct);
                if (outcome is null) return 1;
                Terminal.Line($"Applied {outcome.Written} change(s) to {location} (revision {desired.Revision}).");
                return outcome.Plan.Blocked.Count > 0 ? 2 : 0;
            }, ct);
        }));
        return command;
    }

    /// <summary>
    /// Reads the given sources and reconciles them in one transaction, printing what the plan did; null when a
    /// source could not be read (then nothing is written). A snapshot another writer stored meanwhile is read again.
    /// </summary>
    public static async Task<ReconcileOutcome?> ApplyAsync(
        IReconcilerStore store, DesiredState desired, IReadOnlyList<DirectorySource> sources, bool allowDeletions, CancellationToken ct)
    {
        var statuses = (await store.LoadStatusesAsync(ct)).ToDictionary(s => s.Key);
        desired = SpecGenerations.Assign(desired, key =>
            statuses.TryGetValue(StatusJson.KeyOf(key), out var s) ? new SpecGeneration(s.SpecHash, s.Generation) : null);
        for (var attempt = 1; ; attempt++)
        {
            var reads = await CliServices.ReadAllAsync(desired with { Sources = sources }, store, showProgress: true, ct);
            if (!PlanPrinter.ReadProblems(reads))
            {
                Terminal.Error("nothing was applied: a source could not be read (see above)");
                return null;
            }
            var preview = new PlanPreview(PlanPrinter.MaxRows);
            try
            {
                using var spilled = new Disposables(reads.Select(r => r.Changes));
                var outcome = await CliServices.Reconciliation().RunAsync(store, desired, reads,
                    new ReconcileOptions(AllowDeletions: allowDeletions) { Observer = preview }, ct);
                PlanPrinter.Table(outcome.Plan, preview.First, preview.Count);
                await RecordConfigurationAsync(store, desired, ct);
                return outcome;
            }
            catch (SnapshotMovedException e) when (attempt < 3)
            {
                Terminal.Warn($"{e.Message}; reading again");
            }
        }
    }

    private static async Task RecordConfigurationAsync(IReconcilerStore store, DesiredState desired, CancellationToken ct)
    {
        var stored = (await store.LoadStatusesAsync(ct)).ToDictionary(s => s.Key);
        var snapshot = new Sources.DesiredSnapshot { Valid = desired };
        await store.SaveStatusesAsync(ConfigurationStatuses.For(desired.Location, snapshot, stored, CliServices.Clock.GetUtcNow()), ct);
    }

    /// <summary>Releases what reads keep (a temporary file of changes) once the reconcile is done.</summary>
    internal sealed class Disposables(IEnumerable<IDisposable> items) : IDisposable
    {
        private readonly List<IDisposable> _items = items.ToList();

        public void Dispose()
        {
            foreach (var item in _items) item.Dispose();
        }
    }
}
