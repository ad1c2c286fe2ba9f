using Reconciler.Core.Planning;

namespace Reconciler.Core.Registry;

public static class RegistryOverlay
{
    /// <summary>The registry as it is after the plan's changes: each change's After replaces its row.</summary>
    public static IReadOnlyList<ProvisionedUser> Apply(IReadOnlyList<ProvisionedUser> registry, Plan plan)
    {
        if (plan.Changes.Count == 0) return registry;
        var changed = plan.Changes.ToDictionary(c => (c.Source, c.ExternalId), c => c.After);
        var after = new List<ProvisionedUser>(registry.Count + changed.Count);
        foreach (var row in registry)
        {
            after.Add(changed.Remove((row.Source, row.ExternalId), out var replaced) ? replaced : row);
        }
        after.AddRange(changed.Values);
        return after;
    }
}
