using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Status;

/// <summary>The status one reconcile pass leaves on a resource, with a one-line summary for tables and logs.</summary>
public sealed record ResourceReport(string Kind, string Name, ResourceStatus Status, string Summary);

/// <summary>
/// Turns what a reconcile pass saw and did into each resource's status: observedGeneration, a Ready condition with
/// a reason a person can act on, and the kind's own counters. Conditions keep their lastTransitionTime while
/// their status stays the same.
/// </summary>
public static class StatusBuilder
{
    public static IReadOnlyList<ResourceReport> Build(
        DesiredState desired,
        IReadOnlyDictionary<string, DirectorySnapshot> imported,
        Plan plan,
        IReadOnlyList<ProvisionedUser> registryAfter,
        DateTimeOffset now,
        Func<string, string, IReadOnlyList<Condition>?> previousConditions)
    {
        var reports = new List<ResourceReport>();
        var active = registryAfter.Where(u => u.State == UserState.Active).ToList();
        var bySource = registryAfter.GroupBy(u => u.Source).ToDictionary(g => g.Key, g => UserStates.Count(g), StringComparer.Ordinal);
        var byMapping = active.GroupBy(u => u.Mapping).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var byPolicy = active.Where(u => u.QuotaPolicy is not null)
            .GroupBy(u => u.QuotaPolicy!).ToDictionary(g => g.Key, g => (Users: g.Count(), Bytes: g.Sum(u => u.QuotaBytes)), StringComparer.Ordinal);
        // A mapping is Ready when its source was read: an incomplete read or a held-back removal still provisions.
        var sourceUsable = new Dictionary<string, (bool Usable, string Reason)>(StringComparer.Ordinal);
        Condition Ready(Resource r, bool ok, string reason, string message, ConditionStatus? status = null) =>
            Conditions.Make(Condition.Ready, status ?? (ok ? ConditionStatus.True : ConditionStatus.False), reason, message,
                r.Metadata.Generation, now, previousConditions(r.Kind, r.Name));

        foreach (var source in desired.Sources)
        {
            var snapshot = imported.GetValueOrDefault(source.Name);
            var block = plan.Blocked.FirstOrDefault(b => b.Source == source.Name);
            var held = bySource.GetValueOrDefault(source.Name) ?? UserStates.Count([]);
            var state = $"{snapshot?.Users.Count ?? 0} users read; {UserStates.Describe(held)}";
            var (ok, reason, message) = source.Spec.Suspend ? (false, "Suspended", "suspended: not read or reconciled")
                : snapshot is null ? (false, "NotSynced", "not read yet")
                : snapshot.Failed ? (false, "ReadFailed", string.Join("; ", snapshot.Problems.Take(3)))
                : block is not null ? (false, "DeletionGuard", block.Message)
                : !snapshot.Complete ? (false, "ImportIncomplete",
                    $"{snapshot.Problems.Count} problem(s), first: {snapshot.Problems.FirstOrDefault()}; nobody preserved or disabled")
                : (true, "Synced", state);
            sourceUsable[source.Name] = (ok || reason is "ImportIncomplete" or "DeletionGuard", reason);
            var line = snapshot is null || snapshot.Failed ? message : $"{state}; every {source.Spec.SyncInterval}";
            reports.Add(new ResourceReport(source.Kind, source.Name, new DirectorySourceStatus
            {
                ObservedGeneration = source.Metadata.Generation,
                Conditions =
                [
                    Ready(source, ok, reason, message),
                    // Stalled: retrying on its own will not help; a file, the directory or a person must act.
                    Conditions.Make(Condition.Stalled, reason is "ReadFailed" or "DeletionGuard" ? ConditionStatus.True : ConditionStatus.False,
                        reason, reason is "ReadFailed" or "DeletionGuard" ? message : "", source.Metadata.Generation, now,
                        previousConditions(source.Kind, source.Name)),
                ],
                LastSyncTime = snapshot?.ReadAt,
                LastSyncDuration = snapshot is null ? null : GoDuration.Format(snapshot.Duration),
                UsersSeen = snapshot?.Users.Count ?? 0,
                GroupsSeen = snapshot?.GroupsSeen ?? 0,
                Complete = snapshot is { Complete: true },
                Cursor = snapshot?.Cursor,
            }, line));
        }

        foreach (var mapping in desired.Mappings)
        {
            var tally = plan.Mappings.GetValueOrDefault(mapping.Name) ?? new MappingTally(0, 0, 0);
            var provisioned = byMapping.GetValueOrDefault(mapping.Name);
            var (sourceOk, sourceReason) = sourceUsable.GetValueOrDefault(mapping.Spec.SourceRef.Name, (false, "NotDeclared"));
            var line = $"matched {tally.Matched}, provisioned {provisioned}, conflicts {tally.Conflicts}";
            var conditions = new List<Condition>
            {
                sourceOk
                    ? Ready(mapping, true, "Provisioned", line)
                    : Ready(mapping, false, "SourceNotReady", $"source {mapping.Spec.SourceRef.Name}: {sourceReason}"),
                Conditions.Make("EmailConflicts", tally.Conflicts > 0 ? ConditionStatus.True : ConditionStatus.False,
                    tally.Conflicts > 0 ? "EmailOwnedElsewhere" : "NoConflicts",
                    tally.Conflicts > 0 ? $"{tally.Conflicts} user(s) share an email with a user provisioned earlier" : "no conflicts",
                    mapping.Metadata.Generation, now, previousConditions(mapping.Kind, mapping.Name)),
            };
            reports.Add(new ResourceReport(mapping.Kind, mapping.Name, new ProvisioningMappingStatus
            {
                ObservedGeneration = mapping.Metadata.Generation,
                Conditions = conditions,
                MatchedUsers = tally.Matched,
                ProvisionedUsers = provisioned,
                Conflicts = tally.Conflicts,
            }, line));
        }

        foreach (var policy in desired.QuotaPolicies)
        {
            var (users, allocated) = byPolicy.GetValueOrDefault(policy.Name);
            Quantity.TryParse(policy.Spec.Quota, out var bytes, out _);
            var line = $"{users} users bound, {(bytes == 0 ? "unlimited quota" : Quantity.Format(allocated) + " allocated")}";
            reports.Add(new ResourceReport(policy.Kind, policy.Name, new StorageQuotaPolicyStatus
            {
                ObservedGeneration = policy.Metadata.Generation,
                Conditions = [Ready(policy, true, "Bound", line)],
                UsersBound = users,
                BytesAllocated = allocated,
            }, line));
        }

        foreach (var campaign in desired.Campaigns)
        {
            const string message = "validated; rolling out campaigns is not implemented yet";
            reports.Add(new ResourceReport(campaign.Kind, campaign.Name, new DeploymentCampaignStatus
            {
                ObservedGeneration = campaign.Metadata.Generation,
                Conditions = [Ready(campaign, false, "NotImplemented", message, ConditionStatus.Unknown)],
            }, message));
        }
        return reports;
    }

}
