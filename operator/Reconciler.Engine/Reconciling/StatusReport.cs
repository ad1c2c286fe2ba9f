using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;
using Reconciler.Core.Status;
using Reconciler.Store.Contract;

namespace Reconciler.Engine.Reconciling;

/// <summary>
/// The statuses a reconcile leaves on the resources it touched: its sources, their mappings and the quota policies
/// those use. Built from what the reads found, what the plan decided and the store's counters, never by reading
/// the users again; a status that says nothing new is the stored one, so a quiet pass writes nothing.
/// </summary>
internal sealed class StatusReport(
    DesiredState desired, IStoreSession session, IReadOnlyList<SourceRead> reads, PlanOutcome outcome, StateDeltas deltas,
    ReconcileOptions options, DateTimeOffset now)
{
    public IReadOnlyList<StoredStatus> Statuses(IReadOnlyList<StoredStatus> stored)
    {
        var previous = stored.ToDictionary(s => s.Key);
        var reports = new List<ResourceReport>();
        var reconciled = reads.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        // A held plan was not applied: the counters say what is stored, not what the plan would make of it.
        var applied = options.HeldBecause is null ? reconciled : new HashSet<string>(StringComparer.Ordinal);
        var conflicts = session.Pending().Where(p => p.Kind == PendingKind.Conflict && !applied.Contains(p.Source))
            .Concat(outcome.Conflicts.Where(c => applied.Contains(c.Source))
                .Select(c => new PendingEntry(c.Source, c.ExternalId, PendingKind.Conflict, c.Mapping, c.OwnerSource, c.OwnerMapping)))
            .ToList();
        var usable = new Dictionary<string, (bool Usable, string Reason)>(StringComparer.Ordinal);

        foreach (var read in reads)
        {
            var facts = SourceFacts(read);
            usable[read.Name] = (facts.Phase is SourcePhase.Synced or SourcePhase.ImportIncomplete or SourcePhase.DeletionGuard, facts.Phase.ToString());
            reports.Add(StatusBuilder.Source(read.Source, facts, now, ConditionsOf(previous, read.Source.Key)));
        }

        var policies = new HashSet<ResourceKey>();
        foreach (var read in reads)
        {
            foreach (var mapping in Reconciliation.MappingsOf(desired, read.Source))
            {
                var tally = (applied.Contains(read.Name)
                    ? outcome.Mappings.GetValueOrDefault(mapping.Key.QualifiedName)
                    : session.Source(read.Name)?.Memo?.Tallies.GetValueOrDefault(mapping.Name)) ?? new MappingTally(0, 0, 0);
                var (ok, reason) = usable[read.Name];
                var facts = new MappingFacts(tally.Matched, tally.Provisioned, ConflictsOf(mapping, conflicts), ok, reason);
                reports.Add(StatusBuilder.Mapping(mapping, facts, now, ConditionsOf(previous, mapping.Key)));
                if (mapping.Spec.QuotaPolicyRef is { } policy) policies.Add(mapping.Key.Sibling(StorageQuotaPolicy.KindName, policy.Name));
            }
        }
        foreach (var policy in desired.QuotaPolicies.Where(p => policies.Contains(p.Key)))
        {
            reports.Add(StatusBuilder.Policy(policy, PolicyFacts(policy, applied), now, ConditionsOf(previous, policy.Key)));
        }
        return reports.Select(r => StatusJson.Record(r, previous.GetValueOrDefault(StatusJson.KeyOf(r.Key)), now, SpecOf(r.Key))).ToList();
    }

    private SourceFacts SourceFacts(SourceRead read)
    {
        var stored = session.Source(read.Name);
        var counts = Add(stored?.Users ?? StateCounts.Zero, options.HeldBecause is null ? deltas.Of(read.Name) : StateCounts.Zero);
        var block = outcome.Blocked.FirstOrDefault(b => b.Source == read.Name);
        var undecided = outcome.Undecided.GetValueOrDefault(read.Name);
        var (phase, detail) = read.Source.Spec.Suspend ? (SourcePhase.Suspended, "")
            : options.HeldBecause is { } held ? (SourcePhase.Held, $"{held}; nothing is applied until it is fixed (the plan would {outcome.Summary})")
            : read.IsFailed ? (SourcePhase.ReadFailed, string.Join("; ", read.Problems.Take(3)))
            : block is not null ? (SourcePhase.DeletionGuard, block.Message)
            : !read.Complete ? (SourcePhase.ImportIncomplete,
                $"{read.Problems.Count} problem(s), first: {read.Problems.FirstOrDefault()}; nobody preserved or disabled")
            : undecided > 0 ? (SourcePhase.ImportIncomplete,
                $"{undecided} user(s) left as they are, first: {outcome.Problems.First(p => p.Source == read.Name && p.ExternalId is not null).Message}")
            : (SourcePhase.Synced, "");
        var failed = read.IsFailed;
        // What a failed read found is nothing; what a held one found was not stored: both say what the store holds.
        var asStored = failed || options.HeldBecause is not null;
        return new SourceFacts
        {
            Phase = phase,
            Detail = detail,
            Error = read.Failure,
            RetryIn = failed ? options.RetryIn?.Invoke(read) : null,
            UsersSeen = asStored ? stored?.ImportedUsers ?? 0 : read.ImportedUsers,
            GroupsSeen = asStored && !failed ? stored?.GroupsSeen ?? 0 : read.GroupsSeen,
            Users = counts,
            Complete = asStored && !failed ? stored?.Complete ?? false : read.Complete,
            Cursor = asStored ? stored?.Cursor : read.Cursor,
            ReadAt = asStored ? stored?.ReadAt : read.ReadAt,
            Duration = asStored ? stored?.Duration ?? TimeSpan.Zero : read.Duration,
        };
    }

    /// <summary>Conflicts a mapping takes part in, as the claimant's mapping or as the owner's.</summary>
    private static int ConflictsOf(ProvisioningMapping mapping, IReadOnlyList<PendingEntry> conflicts)
    {
        var count = 0;
        foreach (var c in conflicts)
        {
            var mine = c.Mapping == mapping.Name && NamespaceOf(c.Source) == mapping.Namespace;
            var owner = c.OwnerMapping == mapping.Name && NamespaceOf(c.OwnerSource) == mapping.Namespace;
            if (mine || owner) count++;
        }
        return count;
    }

    /// <summary>
    /// Active users bound to a policy, each with its quota: for a source this reconcile applies, the provisioned users
    /// of its mappings that use the policy; for every other source the store has, what its last applied plan bound to
    /// the policy (so the users of a mapping that is now invalid, or of a held source, still count).
    /// </summary>
    private PolicyFacts PolicyFacts(StorageQuotaPolicy policy, IReadOnlySet<string> applied)
    {
        Quantity.TryParse(policy.Spec.Quota, out var bytes, out _);
        var users = 0;
        var mappings = desired.Mappings.Where(m => m.Namespace == policy.Namespace && m.Spec.QuotaPolicyRef?.Name == policy.Name).ToList();
        foreach (var mapping in mappings.Where(m => applied.Contains(SourceOf(m))))
        {
            users += outcome.Mappings.GetValueOrDefault(mapping.Key.QualifiedName)?.Provisioned ?? 0;
        }
        foreach (var record in session.Sources().Where(r => NamespaceOf(r.Name) == policy.Namespace && !applied.Contains(r.Name)))
        {
            users += record.Memo?.Policies is { } bound
                ? bound.GetValueOrDefault(policy.Name)
                // A memo from before policies were kept: count the mappings the configuration still has.
                : mappings.Where(m => SourceOf(m) == record.Name).Sum(m => record.Memo?.Tallies.GetValueOrDefault(m.Name)?.Provisioned ?? 0);
        }
        return new PolicyFacts(users, users * bytes);
    }

    private static string SourceOf(ProvisioningMapping mapping) => ResourceKey.Qualify(mapping.Namespace, mapping.Spec.SourceRef.Name);

    private SpecGeneration SpecOf(ResourceKey key)
    {
        Resource? resource = key.Kind switch
        {
            DirectorySource.KindName => desired.Source(key),
            ProvisioningMapping.KindName => desired.Mappings.FirstOrDefault(r => r.Key == key),
            StorageQuotaPolicy.KindName => desired.QuotaPolicies.FirstOrDefault(r => r.Key == key),
            _ => desired.Campaigns.FirstOrDefault(r => r.Key == key),
        };
        return resource is null ? new SpecGeneration("", 0) : SpecGenerations.Of(resource);
    }

    private static IReadOnlyList<Condition>? ConditionsOf(Dictionary<StatusKey, StoredStatus> previous, ResourceKey key) =>
        previous.TryGetValue(StatusJson.KeyOf(key), out var stored) ? StatusJson.ConditionsOf(stored.StatusJson) : null;

    private static string NamespaceOf(string qualifiedSource)
    {
        var slash = qualifiedSource.IndexOf('/');
        return slash < 0 ? ResourceKey.DefaultNamespace : qualifiedSource[..slash];
    }

    private static StateCounts Add(StateCounts a, StateCounts b) => new(a.Active + b.Active, a.Preserved + b.Preserved, a.Disabled + b.Disabled);
}
