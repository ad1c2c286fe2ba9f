using Reconciler.Core.Directory;
using Reconciler.Core.Matching;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Planning;

/// <summary>
/// Decides who is provisioned with what: (desired resources, imported users per source, registry) → plan.
/// Pure: no I/O, no clock (the time comes in <see cref="PlanOptions.Now"/>), no randomness. The registry and the
/// imported users come through <see cref="SourceInput"/> and <see cref="IEmailOwners"/>, which a store may back
/// with streaming reads; the changes go to an <see cref="IPlanSink"/> as they are decided.
/// </summary>
public static class ProvisioningPlanner
{
    /// <summary>
    /// Plans the given sources together. Changes go to <paramref name="sink"/>; the outcome holds findings and counts.
    /// Sources are planned in name order, and existing users of all of them before anyone new, so that every email
    /// that is released or taken is settled before a newcomer claims one.
    /// </summary>
    public static PlanOutcome Plan(
        DesiredState desired, IReadOnlyList<SourceInput> sources, IEmailOwners owners, IPlanSink sink, PlanOptions options)
    {
        var book = new PlanBook(owners, sink, options);
        var planned = sources.Select(s => s.Source.Key).ToHashSet();
        foreach (var mapping in desired.Mappings)
        {
            if (planned.Contains(mapping.Key.Sibling(DirectorySource.KindName, mapping.Spec.SourceRef.Name)))
            {
                book.Tally(mapping.Key.QualifiedName);
            }
        }

        var planners = new List<SourcePlanner>();
        foreach (var input in sources.OrderBy(s => s.Source.Key.QualifiedName, StringComparer.Ordinal))
        {
            if (Skip(input, book) is not { } snapshot) continue;
            planners.Add(new SourcePlanner(input, snapshot, SourceMappings.For(desired, input.Source), book));
        }

        // Existing users first, across all sources, so that every email they release or take is settled before
        // anyone new claims one; then email changes that waited on a release; then new users; then removals.
        foreach (var planner in planners) planner.PlanProvisioned();
        int settled;
        do
        {
            settled = planners.Sum(p => p.RetryWaiting(lastTry: false));
        }
        while (settled > 0);
        foreach (var planner in planners) planner.RetryWaiting(lastTry: true);
        foreach (var planner in planners) planner.PlanNewUsers();
        foreach (var planner in planners) planner.PlanRemovals();
        return book.ToOutcome();
    }

    /// <summary>
    /// Plans everything at once from snapshots and a registry held in memory, collecting the changes: for tests,
    /// `explain` and small worlds. Registry users of sources that are no longer declared are reported, not touched.
    /// </summary>
    public static Plan Plan(
        DesiredState desired,
        IReadOnlyDictionary<string, DirectorySnapshot> imported,
        IReadOnlyList<ProvisionedUser> registry,
        PlanOptions options)
    {
        var inputs = desired.Sources.Select(source =>
        {
            var name = source.Key.QualifiedName;
            var snapshot = imported.GetValueOrDefault(name);
            return new SourceInput
            {
                Source = source,
                Users = PlanUsers.Join(name, snapshot?.Users ?? [], registry),
                Snapshot = snapshot is null ? null : new SnapshotState(snapshot.Failed, snapshot.Complete && !snapshot.Failed, snapshot.Problems),
            };
        }).ToList();
        var changes = new PlanCollector();
        var outcome = Plan(desired, inputs, new RegistryEmailOwners(registry), changes, options);

        var declared = desired.Sources.Select(s => s.Key.QualifiedName).ToHashSet(StringComparer.Ordinal);
        var problems = outcome.Problems.ToList();
        foreach (var orphan in registry.Where(u => !declared.Contains(u.Source)).GroupBy(u => u.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            problems.Add(Orphaned(orphan.Key, orphan.Count()));
        }
        return new Plan
        {
            Changes = changes.Changes,
            Conflicts = outcome.Conflicts,
            Blocked = outcome.Blocked,
            Problems = problems,
            Mappings = outcome.Mappings,
            Undecided = outcome.Undecided,
        };
    }

    /// <summary>The finding for registry users of a source the configuration no longer declares.</summary>
    public static PlanProblem Orphaned(string source, int users) =>
        new(source, $"source {source} is no longer declared; its {users} users are left as they are");

    /// <summary>The snapshot to plan from, or null (with the reason recorded) when the source is not planned.</summary>
    private static SnapshotState? Skip(SourceInput input, PlanBook book)
    {
        var name = input.Source.Key.QualifiedName;
        var snapshot = input.Snapshot;
        string? why = null;
        if (input.Source.Spec.Suspend) why = $"source {name} is suspended: not reconciled";
        else if (snapshot is null) why = $"source {name} has not been read yet: nothing planned for it";
        else if (snapshot.Failed)
        {
            why = $"source {name} could not be read ({First(snapshot)}): nothing planned for it, nobody preserved or disabled";
        }
        if (why is not null)
        {
            book.Problems.Add(new PlanProblem(name, why));
            CountProvisioned(input, book);
            return null;
        }
        if (!snapshot!.Complete)
        {
            book.Problems.Add(new PlanProblem(name,
                $"source {name}: import incomplete ({snapshot.Problems.Count} problem(s), first: {First(snapshot)}); nobody from it is preserved or disabled"));
        }
        return snapshot;
    }

    /// <summary>A source that is not planned still reports how many users its mappings hold.</summary>
    private static void CountProvisioned(SourceInput input, PlanBook book)
    {
        if (!input.Whole)
        {
            foreach (var (mapping, tally) in input.Settled.Tallies)
            {
                book.Tally(PlanBook.Qualify(input.Source.Namespace, mapping)).Provisioned += tally.Provisioned;
            }
            return;
        }
        foreach (var pair in input.Users.Pairs(PairSet.Provisioned))
        {
            if (pair.Provisioned is { State: UserState.Active } row) book.Tally(PlanBook.Qualify(input.Source.Namespace, row.Mapping)).Provisioned++;
        }
    }

    private static string First(SnapshotState snapshot) =>
        snapshot.Problems.Count > 0 ? snapshot.Problems[0] : "no reason given";
}

/// <summary>Collects a plan's changes in a list, in the order they were decided.</summary>
public sealed class PlanCollector : IPlanSink
{
    public List<PlanAction> Changes { get; } = [];

    public void Add(PlanAction change) => Changes.Add(change);
}
