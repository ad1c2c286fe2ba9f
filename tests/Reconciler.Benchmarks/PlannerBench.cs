using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;

namespace Reconciler.Benchmarks;

/// <summary>
/// Plan for N imported users × 50 mappings against a registry of N where nothing changed, beside the time to merely
/// iterate the same inputs; and the managed memory the plan allocates and retains per user.
/// </summary>
public static class PlannerBench
{
    public static void Run(int users)
    {
        Console.WriteLine($"## Planner: {users:N0} users x 50 mappings, registry of {users:N0}, nothing changed");
        var desired = Workload.Desired();
        var imported = Workload.Users(users);
        var snapshots = new Dictionary<string, DirectorySnapshot> { [Workload.Source] = Workload.Snapshot(imported) };
        var first = ProvisioningPlanner.Plan(desired, snapshots, [], new PlanOptions(Workload.T0));
        IReadOnlyList<ProvisionedUser> registry = first.Changes.Select(c => c.After).ToArray();
        first = null;
        Console.WriteLine($"registry: {registry.Count:N0} users provisioned by {desired.Mappings.Count} mappings");

        Plan? plan = null;
        var (best, median) = Measure.Time(() => plan = ProvisioningPlanner.Plan(desired, snapshots, registry, new PlanOptions(Workload.T0.AddHours(1))), runs: 5);
        if (!plan!.IsEmpty) throw new InvalidOperationException($"expected an empty plan, got {plan.Summary}");

        long checksum = 0;
        var (iterBest, iterMedian) = Measure.Time(() =>
        {
            checksum = 0;
            foreach (var user in imported) checksum += user.Id.Length + user.Groups.Count + user.Email.Length;
            foreach (var row in registry) checksum += row.ExternalId.Length + row.Email.Length;
        }, runs: 5);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var kept = ProvisioningPlanner.Plan(desired, snapshots, registry, new PlanOptions(Workload.T0.AddHours(2)));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(kept);

        Console.WriteLine($"plan (nothing changed):   best {Measure.Seconds(best)}, median {Measure.Seconds(median)}   target <= 2 s");
        Console.WriteLine($"iterate the same inputs:  best {Measure.Seconds(iterBest)}, median {Measure.Seconds(iterMedian)}   (checksum {checksum})");
        Console.WriteLine($"ratio plan/iterate:       {median / iterMedian:0.0}x (medians)");
        Console.WriteLine($"allocated during plan:    {allocated / (double)users:0} bytes/user (transient)");
        Console.WriteLine($"retained by the plan:     {Math.Max(0, retained) / (double)users:0} bytes/user   goal <= 300");
        Console.WriteLine();
    }
}
