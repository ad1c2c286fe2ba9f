using Reconciler.Core.Directory;
using Reconciler.Core.Matching;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Planning;

/// <summary>Plans one source: every imported user against the source's mappings and its part of the registry.</summary>
internal sealed class SourcePlanner(DirectorySource source, DirectorySnapshot snapshot, SourceMappings mappings, PlanBook book)
{
    private readonly List<PlanAction> _removals = [];
    private DateTimeOffset Now => book.Options.Now;

    public void Run()
    {
        var registry = book.Registry;
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var active = 0;
        for (var i = 0; i < registry.Count; i++)
        {
            var row = registry[i];
            if (row.Source != source.Name) continue;
            byId[row.ExternalId] = i;
            if (row.State == UserState.Active) active++;
        }
        var seen = new bool[registry.Count];

        foreach (var user in snapshot.Users)
        {
            var winner = user.Enabled ? mappings.Winner(user) : null;
            if (winner is not null) book.Tally(winner.Name)[0]++;
            if (byId.TryGetValue(user.Id, out var index))
            {
                seen[index] = true;
                PlanExisting(registry[index], user, winner);
            }
            else if (winner is not null)
            {
                PlanNew(user, winner);
            }
        }

        if (!snapshot.Complete) return;
        foreach (var index in byId.Values)
        {
            var row = registry[index];
            if (!seen[index] && row.State == UserState.Active) Remove(row, "removed from the directory");
        }
        Guard(active);
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

    private void PlanExisting(ProvisionedUser row, ImportedUser user, CompiledMapping? winner)
    {
        if (winner is null)
        {
            if (row.State != UserState.Active || !snapshot.Complete) return;
            Remove(row, user.Enabled ? $"no longer matches any mapping of source {source.Name}" : "disabled in the directory");
            return;
        }

        var emailAllowed = EmailAllowed(row, user, winner);
        if (Provisioning.IsCurrent(row, user, winner, emailAllowed)) return;

        var after = Provisioning.Desired(row, user, winner, emailAllowed, Now);
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

    /// <summary>
    /// Whether the directory's email may replace the registry's: only when the mapping auto-updates, the new
    /// email is not blank and nobody else owns it. A taken email is reported as a conflict and the old one kept.
    /// </summary>
    private bool EmailAllowed(ProvisionedUser row, ImportedUser user, CompiledMapping winner)
    {
        if (!winner.Spec.AutoUpdateUserDetails || string.Equals(row.Email, user.Email, StringComparison.Ordinal)) return true;
        if (string.IsNullOrWhiteSpace(user.Email)) return false;
        if (book.EmailOwner(user.Email) is { } owner && (owner.Source != row.Source || owner.ExternalId != row.ExternalId))
        {
            book.Conflict(source.Name, row.ExternalId, user.Email, winner.Name, owner);
            return false;
        }
        book.ClaimEmail(row with { Email = user.Email });
        return true;
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
        mappings.Ordered.FirstOrDefault(m => m.Name == mapping)?.Spec.PreserveUnmappedUsers ?? true;

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
