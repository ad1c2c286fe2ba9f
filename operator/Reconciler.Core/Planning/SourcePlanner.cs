using Reconciler.Core.Directory;
using Reconciler.Core.Matching;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Planning;

/// <summary>
/// Plans one source: every imported user against the source's mappings and its part of the registry.
/// Runs in phases driven by <see cref="ProvisioningPlanner"/> so that emails released or taken by users who are
/// already provisioned (in any source) are settled before anyone new claims one: a plan applied is then final.
/// </summary>
internal sealed class SourcePlanner(DirectorySource source, DirectorySnapshot snapshot, SourceMappings mappings, PlanBook book)
{
    private readonly List<PlanAction> _removals = [];
    private readonly List<(ImportedUser User, CompiledMapping Winner)> _new = [];
    private List<(ProvisionedUser Row, ImportedUser User, CompiledMapping Winner)> _waiting = [];
    private Dictionary<string, int> _byId = new(StringComparer.Ordinal);
    private bool[] _seen = [];
    private int _active;
    private DateTimeOffset Now => book.Options.Now;

    /// <summary>Phase 1: users already in the registry. Email changes onto a taken address wait for phase 2.</summary>
    public void PlanProvisioned()
    {
        var registry = book.Registry;
        for (var i = 0; i < registry.Count; i++)
        {
            var row = registry[i];
            if (row.Source != source.Name) continue;
            _byId[row.ExternalId] = i;
            if (row.State == UserState.Active) _active++;
        }
        _seen = new bool[registry.Count];

        foreach (var user in snapshot.Users)
        {
            var winner = user.Enabled ? mappings.Winner(user) : null;
            if (winner is not null) book.Tally(winner.Name).Matched++;
            if (_byId.TryGetValue(user.Id, out var index))
            {
                _seen[index] = true;
                PlanExisting(registry[index], user, winner, lastTry: false);
            }
            else if (winner is not null)
            {
                _new.Add((user, winner));
            }
        }
    }

    /// <summary>
    /// Phase 2: retries email changes that waited for an address another user releases in this plan.
    /// Returns how many could go ahead; on the last try the rest keep their email and are reported as conflicts.
    /// </summary>
    public int RetryWaiting(bool lastTry)
    {
        var waiting = _waiting;
        _waiting = [];
        foreach (var (row, user, winner) in waiting) PlanExisting(row, user, winner, lastTry);
        return waiting.Count - _waiting.Count;
    }

    /// <summary>Phase 3: users seen for the first time, once every existing user's email is settled.</summary>
    public void PlanNewUsers()
    {
        foreach (var (user, winner) in _new) PlanNew(user, winner);
    }

    /// <summary>Phase 4: users the directory no longer lists, then the deletion guard over all removals.</summary>
    public void PlanRemovals()
    {
        if (!snapshot.Complete) return;
        var registry = book.Registry;
        foreach (var index in _byId.Values)
        {
            var row = registry[index];
            if (!_seen[index] && row.State == UserState.Active) Remove(row, "removed from the directory");
        }
        Guard(_active);
    }

    private void PlanNew(ImportedUser user, CompiledMapping winner)
    {
        // A blank email, or a disabled account at first sight (no winner then), is never imported.
        if (string.IsNullOrWhiteSpace(user.Email) || !winner.Spec.AutoImportNewUsers) return;
        if (book.EmailOwner(user.Email) is { } owner)
        {
            book.Conflict(source.Name, user.Id, user.Email, winner.Name, owner);
            return;
        }
        var created = Provisioning.New(source.Name, user, winner, Now);
        book.ClaimEmail(created);
        book.Add(new Create(created, $"matches mapping {winner.Name} (priority {winner.Spec.Priority})"));
    }

    private void PlanExisting(ProvisionedUser row, ImportedUser user, CompiledMapping? winner, bool lastTry)
    {
        if (winner is null)
        {
            if (row.State != UserState.Active || !snapshot.Complete) return;
            Remove(row, user.Enabled ? $"no longer matches any mapping of source {source.Name}" : "disabled in the directory");
            return;
        }

        bool emailAllowed;
        switch (EmailDecision(row, user, winner, lastTry))
        {
            case EmailOutcome.Wait:
                _waiting.Add((row, user, winner));
                return;
            case EmailOutcome.Follow:
                emailAllowed = true;
                break;
            default:
                emailAllowed = false;
                break;
        }
        if (Provisioning.IsCurrent(row, user, winner, emailAllowed)) return;

        var after = Provisioning.Desired(row, user, winner, emailAllowed, Now);
        if (after.Email != row.Email) book.MoveEmail(row, after);
        var fields = Provisioning.Changes(row, after);
        if (row.State != UserState.Active)
        {
            book.Add(new Restore(row, after, fields, $"matches mapping {winner.Name} again (was {row.State.ToString().ToLowerInvariant()})"));
            return;
        }
        var reason = row.Mapping != winner.Name
            ? $"now matched by mapping {winner.Name} (was {row.Mapping})"
            : fields.Any(f => f.Field is "profile" or "storageRegion" or "quota" or "quotaPolicy" or "loginMechanism")
                ? $"mapping {winner.Name} changed"
                : "directory details changed";
        book.Add(new Update(row, after, fields, reason));
    }

    private enum EmailOutcome { Follow, Keep, Wait }

    /// <summary>
    /// Whether the directory's email may replace the registry's: only when the mapping auto-updates, the new
    /// email is not blank and nobody else owns it. A taken email waits for the owner to release it in this plan;
    /// on the last try it is reported as a conflict and the old one kept.
    /// </summary>
    private EmailOutcome EmailDecision(ProvisionedUser row, ImportedUser user, CompiledMapping winner, bool lastTry)
    {
        if (!winner.Spec.AutoUpdateUserDetails || string.Equals(row.Email, user.Email, StringComparison.Ordinal)) return EmailOutcome.Follow;
        if (string.IsNullOrWhiteSpace(user.Email)) return EmailOutcome.Keep;
        if (book.EmailOwner(user.Email) is not { } owner || (owner.Source == row.Source && owner.ExternalId == row.ExternalId))
        {
            return EmailOutcome.Follow;
        }
        if (!lastTry) return EmailOutcome.Wait;
        book.Conflict(source.Name, row.ExternalId, user.Email, winner.Name, owner);
        return EmailOutcome.Keep;
    }

    private void Remove(ProvisionedUser row, string why)
    {
        var mapping = row.Mapping;
        var preserve = PreservesUnmapped(mapping);
        var after = row with { State = preserve ? UserState.Preserved : UserState.Disabled, UpdatedAt = Now };
        var policy = preserve ? $"mapping {mapping} preserves unmapped users" : $"mapping {mapping} does not preserve unmapped users";
        _removals.Add(preserve
            ? new Preserve(row, after, $"{why}; {policy}")
            : new Disable(row, after, $"{why}; {policy}"));
    }

    /// <summary>A user whose mapping is gone from the configuration is preserved: losing data is never the default.</summary>
    private bool PreservesUnmapped(string mapping) =>
        mappings.Named(mapping)?.Spec.PreserveUnmappedUsers ?? true;

    private void Guard(int active)
    {
        if (_removals.Count == 0) return;
        var guard = source.Spec.DeletionGuard;
        string? limit = null;
        if (guard.MaxDeleteCount is { } count && _removals.Count > count)
        {
            limit = $"maxDeleteCount {count}";
        }
        else if (guard.MaxDeletePercent is { } percent && (long)_removals.Count * 100 > (long)percent * active)
        {
            limit = $"maxDeletePercent {percent}% ({(long)percent * active / 100} users)";
        }
        if (limit is not null && !book.Options.AllowDeletions)
        {
            book.Blocked.Add(new DeletionGuardBlock(source.Name, _removals.Count, active, limit, _removals.ToArray()));
            return;
        }
        foreach (var removal in _removals) book.Add(removal);
    }
}
