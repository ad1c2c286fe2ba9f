using Reconciler.Core.Directory;
using Reconciler.Core.Matching;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Planning;

/// <summary>
/// Decides who is provisioned with what: (desired resources, imported users per source, registry) → plan.
/// Pure: no I/O, no clock (the time comes in <see cref="PlanOptions.Now"/>), no randomness.
/// </summary>
public static class ProvisioningPlanner
{
    public static Plan Plan(
        DesiredState desired,
        IReadOnlyDictionary<string, DirectorySnapshot> imported,
        IReadOnlyList<ProvisionedUser> registry,
        PlanOptions options)
    {
        var book = new PlanBook(registry, options);
        foreach (var mapping in desired.Mappings) book.Tally(mapping.Name);
        book.CountProvisioned();

        var declared = new HashSet<string>(StringComparer.Ordinal);
        var planners = new List<SourcePlanner>();
        foreach (var source in desired.Sources.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            declared.Add(source.Name);
            var snapshot = imported.GetValueOrDefault(source.Name);
            if (Skip(source, snapshot, book)) continue;
            planners.Add(new SourcePlanner(source, snapshot!, SourceMappings.For(desired, source.Name), book));
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

        foreach (var orphan in registry.Where(u => !declared.Contains(u.Source)).GroupBy(u => u.Source).OrderBy(g => g.Key))
        {
            book.Problems.Add(new PlanProblem(orphan.Key,
                $"source {orphan.Key} is no longer declared; its {orphan.Count()} users are left as they are"));
        }
        return book.ToPlan();
    }

    private static bool Skip(DirectorySource source, DirectorySnapshot? snapshot, PlanBook book)
    {
        string? why = null;
        if (source.Spec.Suspend) why = $"source {source.Name} is suspended: not reconciled";
        else if (snapshot is null) why = $"source {source.Name} has not been read yet: nothing planned for it";
        else if (snapshot.Failed)
        {
            why = $"source {source.Name} could not be read ({First(snapshot)}): nothing planned for it, nobody preserved or disabled";
        }
        if (why is not null)
        {
            book.Problems.Add(new PlanProblem(source.Name, why));
            return true;
        }
        if (!snapshot!.Complete)
        {
            book.Problems.Add(new PlanProblem(source.Name,
                $"source {source.Name}: import incomplete ({snapshot.Problems.Count} problem(s), first: {First(snapshot)}); nobody from it is preserved or disabled"));
        }
        return false;
    }

    private static string First(DirectorySnapshot snapshot) =>
        snapshot.Problems.Count > 0 ? snapshot.Problems[0] : "no reason given";
}
