using Microsoft.Extensions.Logging;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Engine.Reconciling;
using Reconciler.Sources;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Hosting;

/// <summary>What became of one reconcile of a key, and when to come back.</summary>
public sealed record KeyResult(KeyOutcome Outcome, TimeSpan? RequeueAfter, ErrorClass? Error, string Message)
{
    public ReconcileOutcome? Reconcile { get; init; }

    /// <summary>Imported users of the source after the reconcile.</summary>
    public int UsersSeen { get; init; }

    public static KeyResult Gone { get; } = new(KeyOutcome.Gone, null, null, "no longer declared");
}

public enum KeyOutcome
{
    /// <summary>Reconciled; come back after <see cref="KeyResult.RequeueAfter"/>.</summary>
    Success,
    /// <summary>Failed with <see cref="KeyResult.Error"/>; stalling ones wait for a change.</summary>
    Failed,
    /// <summary>Nothing to do until the configuration changes (suspended, held by an invalid resource).</summary>
    Idle,
    /// <summary>The resource is no longer declared.</summary>
    Gone,
}

/// <summary>
/// Reconciles one DirectorySource key in `run` and the operator: decides whether the source is valid, held by an
/// invalid resource it depends on, or suspended; otherwise reads it and reconciles it in one transaction.
/// </summary>
public sealed class SourceKeyReconciler(
    SourceReader reader, Reconciliation reconciliation, IReconcilerStore store, TimeProvider clock, ILogger<SourceKeyReconciler> logger)
{
    private const int ReadAttempts = 3;

    /// <summary>
    /// How many of a push source's written-since users one reconcile plans at most: the reconcile holds the store's
    /// write lock while it plans and every push waits for it, so a push's wait stays in tens of milliseconds while a
    /// backlog is worked off in passes that follow each other at once.
    /// </summary>
    public int WrittenPerPass { get; init; } = 256;

    public async Task<KeyResult> ReconcileAsync(ResourceKey key, DesiredSnapshot desired, Func<SourceRead, TimeSpan?> retryIn,
        CancellationToken cancellationToken)
    {
        var state = desired.Valid;
        var source = state.Source(key);
        if (source is null)
        {
            if (!desired.Broken.TryGetValue(key, out var errors)) return KeyResult.Gone;
            await SaveAsync([StatusBuilder.Invalid(key, new DirectorySourceStatus(), 0, errors, clock.GetUtcNow(), await PreviousAsync(key, cancellationToken))],
                state, cancellationToken);
            return new KeyResult(KeyOutcome.Failed, null, ErrorClass.Stalling, $"invalid: {errors.FirstOrDefault()}");
        }

        var holds = Holds(desired, source);
        var baseDirectory = BaseDirectory(state, source);
        if (source.Spec.Suspend)
        {
            var skipped = await reconciliation.RunAsync(store, state, [SourceRead.Suspended(source)], new ReconcileOptions(), cancellationToken);
            return new KeyResult(KeyOutcome.Idle, null, null, "suspended") { Reconcile = skipped };
        }

        for (var attempt = 1; ; attempt++)
        {
            var read = await reader.ReadAsync(source, baseDirectory, store, null, cancellationToken, SourceReader.ServerFiltersOf(state, source));
            using var changes = read.Changes;
            try
            {
                var options = new ReconcileOptions(RetryIn: retryIn)
                {
                    HeldBecause = holds.Count > 0 ? string.Join("; ", holds) : null,
                    WrittenPerPass = WrittenPerPass,
                    PlanBeforeLock = true,
                };
                var outcome = await reconciliation.RunAsync(store, state, [read], options, cancellationToken);
                if (holds.Count > 0)
                {
                    return new KeyResult(KeyOutcome.Idle, null, ErrorClass.Stalling, $"held: {string.Join("; ", holds)}") { Reconcile = outcome };
                }
                if (read.IsFailed)
                {
                    return new KeyResult(KeyOutcome.Failed, read.RetryAfter, read.Failure, read.Problems.FirstOrDefault() ?? "the read failed")
                    {
                        Reconcile = outcome, UsersSeen = read.ImportedUsers,
                    };
                }
                // Pushed users left for the next pass: it follows at once.
                var more = outcome.WrittenLeft > 0;
                return new KeyResult(KeyOutcome.Success, more ? TimeSpan.Zero : Interval(source), null,
                    more ? $"{outcome.Plan.Summary}; {outcome.WrittenLeft} pushed user(s) left for the next pass" : outcome.Plan.Summary.ToString())
                {
                    Reconcile = outcome, UsersSeen = read.ImportedUsers,
                };
            }
            catch (SnapshotMovedException e) when (attempt < ReadAttempts)
            {
                logger.LogInformation("{Reason}; reading source {Source} again", e.Message, source.Key.QualifiedName);
            }
        }
    }

    /// <summary>
    /// Why a source must not be applied: a mapping that may be one of its own is invalid, a quota policy its mappings
    /// use is invalid, or a file could not be read at all. Planned then, never applied: a typo in a mapping must not
    /// preserve or disable that mapping's users.
    /// </summary>
    public static IReadOnlyList<string> Holds(DesiredSnapshot desired, DirectorySource source)
    {
        var holds = new List<string>();
        foreach (var file in desired.UnreadableFiles) holds.Add($"{file} cannot be read, so what it declares is unknown");
        foreach (var (key, errors) in desired.Broken)
        {
            if (key.Namespace != source.Namespace) continue;
            if (key.Kind == ProvisioningMapping.KindName
                && (!desired.BrokenSourceRefs.TryGetValue(key, out var named) || named == source.Name))
            {
                holds.Add($"mapping {key.QualifiedName} is invalid: {errors.FirstOrDefault()}");
            }
            else if (key.Kind == StorageQuotaPolicy.KindName
                && Reconciliation.MappingsOf(desired.Valid, source).Any(m => m.Spec.QuotaPolicyRef?.Name == key.Name))
            {
                holds.Add($"quota policy {key.QualifiedName} is invalid: {errors.FirstOrDefault()}");
            }
        }
        return holds;
    }

    public static string BaseDirectory(DesiredState desired, DirectorySource source) =>
        desired.OriginOf(source) is { } origin ? Path.GetDirectoryName(Path.GetFullPath(origin.File))! : Directory.GetCurrentDirectory();

    public static TimeSpan Interval(DirectorySource source) =>
        GoDuration.TryParse(source.Spec.SyncInterval, out var interval, out _) && interval > TimeSpan.Zero ? interval : TimeSpan.FromHours(1);

    private async Task<IReadOnlyList<Condition>?> PreviousAsync(ResourceKey key, CancellationToken cancellationToken)
    {
        var stored = (await store.LoadStatusesAsync(cancellationToken)).FirstOrDefault(s => s.Key == StatusJson.KeyOf(key));
        return stored is null ? null : StatusJson.ConditionsOf(stored.StatusJson);
    }

    private async Task SaveAsync(IReadOnlyList<ResourceReport> reports, DesiredState state, CancellationToken cancellationToken)
    {
        var stored = (await store.LoadStatusesAsync(cancellationToken)).ToDictionary(s => s.Key);
        var now = clock.GetUtcNow();
        await store.SaveStatusesAsync(reports.Select(r =>
            StatusJson.Record(r, stored.GetValueOrDefault(StatusJson.KeyOf(r.Key)), now, new SpecGeneration("", 0))).ToList(), cancellationToken);
    }
}
