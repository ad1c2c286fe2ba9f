using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Status;

/// <summary>The status one reconcile leaves on a resource, with a one-line summary for tables and logs.</summary>
public sealed record ResourceReport(ResourceKey Key, ResourceStatus Status, string Summary)
{
    public string Kind => Key.Kind;
    public string Name => Key.Name;
}

/// <summary>Why a source is where it is after a reconcile.</summary>
public enum SourcePhase
{
    /// <summary>Read completely and reconciled.</summary>
    Synced,
    /// <summary>Read, but rows were skipped: reconciled, nobody preserved or disabled.</summary>
    ImportIncomplete,
    /// <summary>Reconciled, but removals beyond the deletion guard wait for an acknowledgement.</summary>
    DeletionGuard,
    /// <summary>The read failed as a whole; the error class says whether and when it is retried.</summary>
    ReadFailed,
    /// <summary>spec.suspend: neither read nor reconciled.</summary>
    Suspended,
    /// <summary>Not read yet.</summary>
    NotSynced,
    /// <summary>Its own spec is invalid.</summary>
    InvalidSpec,
    /// <summary>One of its mappings (or what they reference) is invalid: planned, not applied, until it is fixed.</summary>
    Held,
}

/// <summary>What a reconcile learned about a source, from its read, its plan and the store's counters.</summary>
public sealed record SourceFacts
{
    public required SourcePhase Phase { get; init; }

    /// <summary>The detail behind the phase: the first problems, the guard, the read failure, what holds it.</summary>
    public string Detail { get; init; } = "";

    /// <summary>For a failed read: how it is retried.</summary>
    public ErrorClass? Error { get; init; }

    /// <summary>For a failed read that is retried: in how long.</summary>
    public TimeSpan? RetryIn { get; init; }

    public int UsersSeen { get; init; }
    public int GroupsSeen { get; init; }
    public StateCounts Users { get; init; } = StateCounts.Zero;
    public bool Complete { get; init; }
    public string? Cursor { get; init; }
    public DateTimeOffset? ReadAt { get; init; }
    public TimeSpan Duration { get; init; }
}

/// <summary>What a mapping holds after its source's reconcile.</summary>
/// <param name="SourceUsable">Its source was read (completely or not) and reconciled.</param>
/// <param name="SourceReason">The source's phase when it is not usable.</param>
public sealed record MappingFacts(int Matched, int Provisioned, int Conflicts, bool SourceUsable, string SourceReason, bool Invalid = false, string Detail = "");

/// <summary>What a quota policy holds: active users bound to it and the bytes their quotas add up to.</summary>
public sealed record PolicyFacts(int UsersBound, long BytesAllocated, bool Invalid = false, string Detail = "");

/// <summary>
/// Turns what a reconcile learned into each resource's status: observedGeneration, Ready / Reconciling / Stalled
/// meaning what they mean in Flux, reasons a person can act on, and the kind's own counters. Conditions keep their
/// lastTransitionTime while their status stays the same.
/// </summary>
public static class StatusBuilder
{
    public static ResourceReport Source(DirectorySource source, SourceFacts facts, DateTimeOffset now, IReadOnlyList<Condition>? previous)
    {
        var state = $"{facts.UsersSeen} users read; {facts.Users}";
        var (ready, message) = facts.Phase switch
        {
            SourcePhase.Synced => (true, state),
            SourcePhase.Suspended => (false, "suspended: not read or reconciled"),
            SourcePhase.NotSynced => (false, "not read yet"),
            SourcePhase.ImportIncomplete => (false, facts.Detail),
            _ => (false, facts.Detail),
        };
        var stalled = facts.Phase is SourcePhase.DeletionGuard or SourcePhase.InvalidSpec or SourcePhase.Held
            || (facts.Phase == SourcePhase.ReadFailed && facts.Error == ErrorClass.Stalling);
        var retrying = facts.Phase == SourcePhase.ReadFailed && facts.Error is ErrorClass.Transient or ErrorClass.Waiting;
        var reason = facts.Phase switch
        {
            SourcePhase.ReadFailed when facts.Error == ErrorClass.Waiting => "Waiting",
            SourcePhase.Held => "HeldByInvalidConfiguration",
            _ => facts.Phase.ToString(),
        };
        var generation = source.Metadata.Generation;
        var conditions = Standard(reason, ready, message, stalled, retrying,
            retrying ? $"retrying in {GoDuration.Format(facts.RetryIn ?? TimeSpan.Zero)}" : "", generation, now, previous);
        var line = facts.Phase is SourcePhase.Synced or SourcePhase.ImportIncomplete or SourcePhase.DeletionGuard
            ? $"{state}; every {source.Spec.SyncInterval}"
            : message;
        return new ResourceReport(source.Key, new DirectorySourceStatus
        {
            ObservedGeneration = generation,
            Conditions = conditions,
            LastSyncTime = facts.ReadAt,
            LastSyncDuration = facts.ReadAt is null ? null : GoDuration.Format(facts.Duration),
            UsersSeen = facts.UsersSeen,
            GroupsSeen = facts.GroupsSeen,
            Complete = facts.Complete,
            Cursor = facts.Cursor,
        }, line);
    }

    public static ResourceReport Mapping(ProvisioningMapping mapping, MappingFacts facts, DateTimeOffset now, IReadOnlyList<Condition>? previous)
    {
        var line = $"matched {facts.Matched}, provisioned {facts.Provisioned}, conflicts {facts.Conflicts}";
        var generation = mapping.Metadata.Generation;
        List<Condition> conditions = facts.Invalid
            ? Standard("InvalidSpec", false, facts.Detail, stalled: true, retrying: false, "", generation, now, previous)
            : facts.SourceUsable
                ? Standard("Provisioned", true, line, stalled: false, retrying: false, "", generation, now, previous)
                : Standard("SourceNotReady", false, $"source {mapping.Spec.SourceRef.Name}: {facts.SourceReason}", stalled: false,
                    retrying: false, "", generation, now, previous);
        conditions.Add(Conditions.Make("EmailConflicts", facts.Conflicts > 0 ? ConditionStatus.True : ConditionStatus.False,
            facts.Conflicts > 0 ? "EmailOwnedElsewhere" : "NoConflicts",
            facts.Conflicts > 0 ? $"{facts.Conflicts} user(s) share an email with a user provisioned earlier" : "no conflicts",
            generation, now, previous));
        return new ResourceReport(mapping.Key, new ProvisioningMappingStatus
        {
            ObservedGeneration = generation,
            Conditions = conditions,
            MatchedUsers = facts.Matched,
            ProvisionedUsers = facts.Provisioned,
            Conflicts = facts.Conflicts,
        }, facts.Invalid ? facts.Detail : line);
    }

    public static ResourceReport Policy(StorageQuotaPolicy policy, PolicyFacts facts, DateTimeOffset now, IReadOnlyList<Condition>? previous)
    {
        Quantity.TryParse(policy.Spec.Quota, out var bytes, out _);
        // Quantity.Format(0) reads "unlimited", which is what a quota of 0 means, never what 0 bytes allocated are.
        var allocated = bytes == 0 ? "unlimited quota"
            : facts.BytesAllocated == 0 ? "nothing allocated"
            : Quantity.Format(facts.BytesAllocated) + " allocated";
        var line = $"{facts.UsersBound} users bound, {allocated}";
        var generation = policy.Metadata.Generation;
        var conditions = facts.Invalid
            ? Standard("InvalidSpec", false, facts.Detail, stalled: true, retrying: false, "", generation, now, previous)
            : Standard("Bound", true, line, stalled: false, retrying: false, "", generation, now, previous);
        return new ResourceReport(policy.Key, new StorageQuotaPolicyStatus
        {
            ObservedGeneration = generation,
            Conditions = conditions,
            UsersBound = facts.UsersBound,
            BytesAllocated = facts.BytesAllocated,
        }, facts.Invalid ? facts.Detail : line);
    }

    public static ResourceReport Campaign(DeploymentCampaign campaign, DateTimeOffset now, IReadOnlyList<Condition>? previous)
    {
        const string message = "validated; rolling out campaigns is not implemented yet";
        var generation = campaign.Metadata.Generation;
        return new ResourceReport(campaign.Key, new DeploymentCampaignStatus
        {
            ObservedGeneration = generation,
            Conditions = [Conditions.Make(Condition.Ready, ConditionStatus.Unknown, "NotImplemented", message, generation, now, previous)],
        }, message);
    }

    /// <summary>The status of a resource whose document is invalid: stalled on its errors until it is fixed.</summary>
    public static ResourceReport Invalid(ResourceKey key, ResourceStatus empty, long generation, IReadOnlyList<string> errors,
        DateTimeOffset now, IReadOnlyList<Condition>? previous)
    {
        var message = errors.Count == 0 ? "the resource is invalid" : $"{errors.Count} error(s), first: {errors[0]}";
        return new ResourceReport(key, empty with
        {
            ObservedGeneration = generation,
            Conditions = Standard("InvalidSpec", false, message, stalled: true, retrying: false, "", generation, now, previous),
        }, message);
    }

    /// <summary>Ready, Reconciling and Stalled, as Flux uses them.</summary>
    private static List<Condition> Standard(string reason, bool ready, string message, bool stalled, bool retrying, string retryMessage,
        long generation, DateTimeOffset now, IReadOnlyList<Condition>? previous) =>
    [
        Conditions.Make(Condition.Ready, ready ? ConditionStatus.True : ConditionStatus.False, reason, message, generation, now, previous),
        Conditions.Make(Condition.Reconciling, retrying ? ConditionStatus.True : ConditionStatus.False,
            retrying ? "ProgressingWithRetry" : reason, retrying ? retryMessage : "", generation, now, previous),
        Conditions.Make(Condition.Stalled, stalled ? ConditionStatus.True : ConditionStatus.False, reason,
            stalled ? message : "", generation, now, previous),
    ];
}
