using Reconciler.Core.Registry;

namespace Reconciler.Core.Planning;

/// <summary>The plan under construction: changes, findings, per-mapping tallies and who owns which email.</summary>
internal sealed class PlanBook(IReadOnlyList<ProvisionedUser> registry, PlanOptions options)
{
    private readonly Dictionary<string, Counts> _tallies = new(StringComparer.Ordinal);
    private Dictionary<string, ProvisionedUser>? _emailOwners;

    public IReadOnlyList<ProvisionedUser> Registry => registry;
    public PlanOptions Options => options;
    public List<PlanAction> Changes { get; } = [];
    public List<EmailConflict> Conflicts { get; } = [];
    public List<DeletionGuardBlock> Blocked { get; } = [];
    public List<PlanProblem> Problems { get; } = [];

    /// <summary>What is counted for one mapping while the plan is made.</summary>
    public sealed class Counts
    {
        public int Matched;
        public int Provisioned;
        public int Conflicts;
    }

    public Counts Tally(string mapping)
    {
        if (!_tallies.TryGetValue(mapping, out var tally))
        {
            tally = new Counts();
            _tallies[mapping] = tally;
        }
        return tally;
    }

    public void CountProvisioned()
    {
        foreach (var user in registry)
        {
            if (user.State == UserState.Active && _tallies.TryGetValue(user.Mapping, out var tally)) tally.Provisioned++;
        }
    }

    public void Add(PlanAction action)
    {
        Changes.Add(action);
        if (action.Before is { State: UserState.Active } before && _tallies.TryGetValue(before.Mapping, out var was)) was.Provisioned--;
        if (action.After.State == UserState.Active) Tally(action.After.Mapping).Provisioned++;
    }

    /// <summary>
    /// Who owns an email (case-insensitively): the registry's earliest-provisioned holder, or whoever claimed it
    /// earlier in this plan. Built on first use: a plan with nothing new never pays for it.
    /// </summary>
    public ProvisionedUser? EmailOwner(string email)
    {
        if (_emailOwners is null)
        {
            _emailOwners = new Dictionary<string, ProvisionedUser>(StringComparer.OrdinalIgnoreCase);
            foreach (var user in registry)
            {
                if (user.Email.Length == 0) continue;
                if (!_emailOwners.TryGetValue(user.Email, out var held) || Earlier(user, held)) _emailOwners[user.Email] = user;
            }
        }
        return _emailOwners.GetValueOrDefault(email);
    }

    public void ClaimEmail(ProvisionedUser user)
    {
        EmailOwner(user.Email);
        _emailOwners![user.Email] = user;
    }

    /// <summary>A provisioned user's email changes: the old address is free again, the new one is theirs.</summary>
    public void MoveEmail(ProvisionedUser before, ProvisionedUser after)
    {
        if (EmailOwner(before.Email) is { } owner && owner.Source == before.Source && owner.ExternalId == before.ExternalId)
        {
            _emailOwners!.Remove(before.Email);
        }
        if (after.Email.Length > 0) ClaimEmail(after);
    }

    public void Conflict(string source, string externalId, string email, string mapping, ProvisionedUser owner)
    {
        var sameSource = owner.Source == source;
        var reason = sameSource
            ? $"email {email} is already used by user {owner.ExternalId} of the same source"
            : $"email {email} is already provisioned from source {owner.Source} (user {owner.ExternalId}, mapping {owner.Mapping}); the earlier owner keeps it";
        Conflicts.Add(new EmailConflict(source, externalId, email, mapping, owner.Source, owner.ExternalId, reason));
        Tally(mapping).Conflicts++;
        if (owner.Mapping != mapping && owner.Mapping.Length > 0) Tally(owner.Mapping).Conflicts++;
    }

    public Plan ToPlan() => new()
    {
        Changes = Changes,
        Conflicts = Conflicts,
        Blocked = Blocked,
        Problems = Problems,
        Mappings = _tallies.ToDictionary(t => t.Key, t => new MappingTally(t.Value.Matched, t.Value.Provisioned, t.Value.Conflicts), StringComparer.Ordinal),
    };

    private static bool Earlier(ProvisionedUser a, ProvisionedUser b)
    {
        var byTime = a.CreatedAt.CompareTo(b.CreatedAt);
        if (byTime != 0) return byTime < 0;
        var bySource = string.CompareOrdinal(a.Source, b.Source);
        return bySource != 0 ? bySource < 0 : string.CompareOrdinal(a.ExternalId, b.ExternalId) < 0;
    }
}
