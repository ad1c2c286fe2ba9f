namespace Reconciler.Core.Registry;

public static class UserStates
{
    /// <summary>Users per state, every state present (zero where none), in one pass.</summary>
    public static IReadOnlyDictionary<UserState, int> Count(IEnumerable<ProvisionedUser> users)
    {
        var counts = Enum.GetValues<UserState>().ToDictionary(s => s, _ => 0);
        foreach (var user in users) counts[user.State]++;
        return counts;
    }

    /// <summary>"42 active, 0 preserved, 0 disabled".</summary>
    public static string Describe(IReadOnlyDictionary<UserState, int> counts) =>
        string.Join(", ", counts.Select(c => $"{c.Value} {c.Key.ToString().ToLowerInvariant()}"));
}
