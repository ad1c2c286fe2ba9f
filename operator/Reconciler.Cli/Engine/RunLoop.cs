using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Http.Health;
using Reconciler.Http.Telemetry;
using Reconciler.Sources.Folder;
using Reconciler.Store.Contract;

namespace Reconciler.Cli.Engine;

/// <summary>
/// `run`: reconcile, then sleep until a file changes or the shortest syncInterval passes, forever.
/// Level-based: every pass starts from what the files and the directories say now, never from the event.
/// </summary>
public sealed class RunLoop(ReconcileEngine engine, ReconcilerMetrics metrics, ReadinessState readiness, ILogger logger)
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);
    private readonly HashSet<string> _sourcesInMetrics = new(StringComparer.Ordinal);

    public async Task RunAsync(string configDirectory, IReconcilerStore store, CancellationToken cancellationToken)
    {
        using var watcher = new ConfigWatcher(configDirectory);
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = await PassAsync(configDirectory, store, watcher, cancellationToken);
            readiness.MarkReady();
            logger.LogInformation("next reconcile in {Interval} or on a file change", GoDuration.Format(next));
            try
            {
                await watcher.WaitAsync(next, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<TimeSpan> PassAsync(string configDirectory, IReconcilerStore store, ConfigWatcher watcher, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var loaded = new FolderLoader().Load(configDirectory);
        if (loaded.State is not { } desired)
        {
            foreach (var error in loaded.Errors) logger.LogError("invalid configuration: {Error}", error.ToString());
            logger.LogError("stalled: fix the {Count} configuration error(s); nothing was reconciled", loaded.Errors.Count);
            metrics.ObserveReconcile(clock.Elapsed, success: false);
            try
            {
                await engine.RecordInvalidConfigurationAsync(store, configDirectory,
                    loaded.Errors.Select(e => e.ToString()).ToList(), engine.Now, cancellationToken);
            }
            catch (StoreException e)
            {
                logger.LogError("store: {Message}", e.Message);
            }
            return DefaultInterval;
        }
        watcher.WatchFiles(desired.Sources.Where(s => s.Spec.Csv is not null && desired.OriginOf(s) is not null)
            .Select(s => Path.Combine(Path.GetDirectoryName(desired.OriginOf(s)!.File)!, s.Spec.Csv!.Path)));

        try
        {
            var pass = await engine.PlanAsync(desired, store, allowDeletions: false, showProgress: false, cancellationToken);
            var outcome = await engine.ApplyAsync(pass, store, cancellationToken);
            foreach (var snapshot in pass.Snapshots.Values)
            {
                foreach (var problem in snapshot.Problems) logger.LogWarning("source {Source}: {Problem}", snapshot.Source, problem);
            }
            foreach (var problem in pass.Plan.Problems) logger.LogWarning("{Source}: {Problem}", problem.Source, problem.Message);
            foreach (var block in pass.Plan.Blocked) logger.LogWarning("{Message}", block.Message);
            foreach (var (name, snapshot) in pass.Snapshots)
            {
                metrics.ObserveSync(name, snapshot.ReadAt, snapshot.Users.Count, error: snapshot.Failed || !snapshot.Complete);
            }
            foreach (var gone in _sourcesInMetrics.Where(s => !pass.Snapshots.ContainsKey(s)).ToList())
            {
                metrics.RemoveSource(gone);
                _sourcesInMetrics.Remove(gone);
            }
            _sourcesInMetrics.UnionWith(pass.Snapshots.Keys);
            var byState = UserStates.Count(outcome.RegistryAfter);
            metrics.SetUsersPerState(byState);
            metrics.SetPlanChanges(pass.Plan.Summary);
            metrics.ObserveReconcile(clock.Elapsed, success: !pass.Failed.Any());
            logger.LogInformation("reconciled revision {Revision}: {Summary}; users {States}; {Written} row(s) written; {Seconds:0.00} s",
                desired.Revision, pass.Plan.Summary.ToString(), UserStates.Describe(byState), outcome.Result.UsersWritten, clock.Elapsed.TotalSeconds);
        }
        catch (StoreException e)
        {
            logger.LogError("store: {Message}", e.Message);
            metrics.ObserveReconcile(clock.Elapsed, success: false);
        }
        return NextInterval(desired);
    }

    private static TimeSpan NextInterval(DesiredState desired)
    {
        var intervals = desired.Sources.Where(s => !s.Spec.Suspend)
            .Select(s => GoDuration.TryParse(s.Spec.SyncInterval, out var t, out _) ? t : DefaultInterval)
            .Where(t => t > TimeSpan.Zero)
            .ToList();
        return intervals.Count == 0 ? DefaultInterval : intervals.Min();
    }
}
