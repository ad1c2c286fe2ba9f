using Reconciler.Core.Directory;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Planning;

/// <summary>
/// What the planner is given for one source: the users it considers, what the last read of the source said, and
/// aggregates about the users it is not given.
/// </summary>
public sealed record SourceInput
{
    public required DirectorySource Source { get; init; }

    /// <summary>The users to plan. Every pair once; pairs may come in any order and are enumerated more than once.</summary>
    public required IPlanUsers Users { get; init; }

    /// <summary>What the last read of the source said; null when it was never read (nothing is planned then).</summary>
    public required SnapshotState? Snapshot { get; init; }

    /// <summary>
    /// True when <see cref="Users"/> holds every imported user and every registry row of the source: a whole plan,
    /// which counts everything itself. False for an incremental plan, which is given only the users whose inputs
    /// changed and those a previous plan left pending (conflicts, removals held back); everyone else is settled, and
    /// <see cref="Settled"/> says what they add up to.
    /// </summary>
    public bool Whole { get; init; } = true;

    /// <summary>For an incremental plan: the counts the last plan left, which this one adjusts. Ignored when whole.</summary>
    public SettledTotals Settled { get; init; } = SettledTotals.None;
}

/// <summary>What the last read of a source said about itself.</summary>
/// <param name="Failed">The read failed as a whole: nothing of the source is planned.</param>
/// <param name="Complete">False when anything was skipped: nobody from the source is preserved or disabled.</param>
/// <param name="Problems">What made the read fail or incomplete, each naming the file/line, server or request.</param>
public sealed record SnapshotState(bool Failed, bool Complete, IReadOnlyList<string> Problems)
{
    public static readonly SnapshotState CompleteRead = new(false, true, []);
}

/// <summary>
/// The registry and tallies of a source as the previous plan left them, for an incremental plan.
/// </summary>
/// <param name="ActiveUsers">Active registry users of the source (the deletion guard's base).</param>
/// <param name="Tallies">Per mapping of the source, by name: matched and provisioned users.</param>
public sealed record SettledTotals(int ActiveUsers, IReadOnlyDictionary<string, MappingTally> Tallies)
{
    public static readonly SettledTotals None = new(0, new Dictionary<string, MappingTally>());
}

/// <summary>Which of a source's pairs a planner phase walks.</summary>
public enum PairSet
{
    All,

    /// <summary>Pairs with a registry row: a whole plan's first phase, which plans existing users.</summary>
    Provisioned,

    /// <summary>Pairs without one: the phase that plans new users (a store can skip the others cheaply).</summary>
    Unprovisioned,
}

/// <summary>The users one plan considers for one source.</summary>
public interface IPlanUsers
{
    /// <summary>The pairs to plan, of <paramref name="set"/>; each set in the same order every time.</summary>
    IEnumerable<UserPair> Pairs(PairSet set);
}

/// <summary>
/// One user of a source as the planner sees it: what the directory says now, the registry row, and (for an
/// incremental plan) what the directory said when the user was last planned.
/// </summary>
/// <param name="Imported">The user as the directory has it now; null when the directory no longer has it.</param>
/// <param name="Provisioned">The registry row; null when the user was never provisioned.</param>
/// <param name="Before">
/// For an incremental plan, the imported user as the last plan saw it (null when it was new then), so tallies
/// move by what changed. Ignored by whole plans.
/// </param>
public readonly record struct UserPair(ImportedUser? Imported, ProvisionedUser? Provisioned, ImportedUser? Before = null)
{
    public string Id => Imported?.Id ?? Provisioned?.ExternalId ?? Before?.Id ?? "";
}

/// <summary>Who owns an email address in the registry, before the plan (case-insensitively, in any source and state).</summary>
public interface IEmailOwners
{
    /// <summary>The registry row holding the email, or null. When several do, the earliest provisioned.</summary>
    ProvisionedUser? Find(string email);
}

/// <summary>Receives a plan's changes in the order they were decided (an email is released before it is taken).</summary>
public interface IPlanSink
{
    void Add(PlanAction change);
}

/// <summary>Pairs held in memory.</summary>
public sealed class PlanUsers(IReadOnlyList<UserPair> pairs) : IPlanUsers
{
    public IEnumerable<UserPair> Pairs(PairSet set) => set switch
    {
        PairSet.Provisioned => pairs.Where(p => p.Provisioned is not null),
        PairSet.Unprovisioned => pairs.Where(p => p.Provisioned is null),
        _ => pairs,
    };

    /// <summary>Every imported user of a snapshot joined with the registry rows of its source, by id.</summary>
    public static PlanUsers Join(string source, IEnumerable<ImportedUser> imported, IEnumerable<ProvisionedUser> registry)
    {
        var rows = new Dictionary<string, ProvisionedUser>(StringComparer.Ordinal);
        foreach (var row in registry)
        {
            if (row.Source == source) rows[row.ExternalId] = row;
        }
        var pairs = new List<UserPair>(rows.Count);
        foreach (var user in imported)
        {
            pairs.Add(new UserPair(user, rows.Remove(user.Id, out var row) ? row : null));
        }
        foreach (var row in rows.Values) pairs.Add(new UserPair(null, row));
        return new PlanUsers(pairs);
    }
}

/// <summary>Email owners looked up in a registry held in memory.</summary>
public sealed class RegistryEmailOwners : IEmailOwners
{
    private readonly Dictionary<string, ProvisionedUser> _owners = new(StringComparer.OrdinalIgnoreCase);

    public RegistryEmailOwners(IEnumerable<ProvisionedUser> registry)
    {
        foreach (var user in registry)
        {
            if (user.Email.Length == 0) continue;
            if (!_owners.TryGetValue(user.Email, out var held) || EmailOwnership.Earlier(user, held)) _owners[user.Email] = user;
        }
    }

    public ProvisionedUser? Find(string email) => _owners.GetValueOrDefault(email);
}

/// <summary>Who keeps an email two registry rows claim: the one provisioned first, then by source and id.</summary>
public static class EmailOwnership
{
    public static bool Earlier(ProvisionedUser a, ProvisionedUser b)
    {
        var byTime = a.CreatedAt.CompareTo(b.CreatedAt);
        if (byTime != 0) return byTime < 0;
        var bySource = string.CompareOrdinal(a.Source, b.Source);
        return bySource != 0 ? bySource < 0 : string.CompareOrdinal(a.ExternalId, b.ExternalId) < 0;
    }
}
