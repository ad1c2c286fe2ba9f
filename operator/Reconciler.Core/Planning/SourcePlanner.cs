using Reconciler.Core.Directory;
using Reconciler.Core.Matching;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Planning;

/// <summary>
/// Plans one source: every user pair it is given against the source's mappings. Runs in phases driven by
/// <see cref="ProvisioningPlanner"/> so that emails released or taken by users who are already provisioned (in any
/// source) are settled before anyone new claims one: a plan applied is then final. Holds no list of all users:
/// pairs are enumerated once for the provisioned and once for the new, and only removals and email changes that
/// wait for an address are kept.
/// </summary>
internal sealed class SourcePlanner(SourceInput input, SnapshotState snapshot, SourceMappings mappings, PlanBook book)
{
    private readonly DirectorySource _source = input.Source;
    private readonly string _name = input.Source.Key.QualifiedName;
    private readonly string _namespace = input.Source.Namespace;
    private readonly List<PlanAction> _removals = [];
    // Users whose mapping could not be decided, reported once: phase 3 does not try them again.
    private readonly HashSet<string> _undecided = new(StringComparer.Ordinal);
    private List<(ProvisionedUser Row, ImportedUser User, CompiledMapping Winner)> _waiting = [];
    private int _active;
    private DateTimeOffset Now => book.Options.Now;

    /// <summary>Phase 1: users already in the registry. Email changes onto a taken address wait for phase 2.</summary>
    public void PlanProvisioned()
    {
        if (!input.Whole)
        {
            _active = input.Settled.ActiveUsers;
            foreach (var (mapping, tally) in input.Settled.Tallies)
            {
                var counts = book.Tally(Qualify(mapping));
                counts.Matched += tally.Matched;
                counts.Provisioned += tally.Provisioned;
            }
        }
        // A whole plan tallies the users without a registry row where it plans them (PlanNewUsers): here they would
        // only be decoded and matched to be counted, a first import's whole population before its first create.
        foreach (var pair in input.Users.Pairs(input.Whole ? PairSet.Provisioned : PairSet.All))
        {
            var user = pair.Imported;
            CompiledMapping? winner = null;
            var decided = user is not { Enabled: true } || TryWinner(user, out winner);
            if (winner is not null) book.Tally(Qualify(winner.Name)).Matched++;
            if (!input.Whole && pair.Before is { Enabled: true } before && PreviousWinner(before) is { } was)
            {
                book.Tally(Qualify(was.Name)).Matched--;
            }
            if (pair.Provisioned is not { } row) continue;
            if (input.Whole && row.State == UserState.Active)
            {
                _active++;
                book.Tally(Qualify(row.Mapping)).Provisioned++;
            }
            // Nobody knows which mapping this user matches: they stay exactly as they are.
            if (!decided) continue;
            if (user is null)
            {
                if (row.State == UserState.Active && snapshot.Complete) Remove(row, "removed from the directory");
                continue;
            }
            PlanExisting(row, user, winner, lastTry: false);
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
        foreach (var pair in input.Users.Pairs(PairSet.Unprovisioned))
        {
            if (pair.Provisioned is not null || pair.Imported is not { Enabled: true } user) continue;
            if (_undecided.Contains(user.Id)) continue;
            // An incremental plan tallied them with the rest (PlanProvisioned); a whole one does it here.
            var blank = string.IsNullOrWhiteSpace(user.Email);
            if (blank && !input.Whole) continue;
            if (!TryWinner(user, out var winner) || winner is null) continue;
            if (input.Whole) book.Tally(Qualify(winner.Name)).Matched++;
            // A blank email, or a disabled account at first sight (no winner then), is never imported.
            if (!blank) PlanNew(user, winner);
        }
    }

    /// <summary>
    /// The user's winning mapping (null: none matches). False when a filter could not decide in time: the user is
    /// reported and left as they are, and the source's next plan is a whole one that tries again.
    /// </summary>
    private bool TryWinner(ImportedUser user, out CompiledMapping? winner)
    {
        try
        {
            winner = mappings.Winner(user);
            return true;
        }
        catch (FilterTimeoutException e)
        {
            winner = null;
            if (_undecided.Add(user.Id)) book.Undecided(_name, user.Id, e);
            return false;
        }
    }

    /// <summary>Which mapping the user's previous entry matched, for the tallies; null when it cannot be decided either.</summary>
    private CompiledMapping? PreviousWinner(ImportedUser before)
    {
        try
        {
            return mappings.Winner(before);
        }
        catch (FilterTimeoutException)
        {
            return null;
        }
    }

    /// <summary>Phase 4: the deletion guard over every removal this plan found.</summary>
    public void PlanRemovals()
    {
        if (snapshot.Complete) Guard(_active);
    }

    private void PlanNew(ImportedUser user, CompiledMapping winner)
    {
        if (!winner.Spec.AutoImportNewUsers) return;
        if (book.EmailOwner(user.Email) is { } owner)
        {
            if (owner.Source == _name && Leaving(owner, user.Email) is { } previous)
            {
                Rebind(previous, user, winner);
                return;
            }
            book.Conflict(_name, user.Id, user.Email, winner.Name, owner);
            return;
        }
        var created = Provisioning.New(_name, user, winner, Now);
        book.ClaimEmail(created);
        book.Add(new Create(created, winner.CreateReason), _namespace);
    }

    /// <summary>
    /// A new directory id whose email a user of this same source is leaving (preserved, disabled, or removed by this
    /// plan): the person came back (deleted and created again in the identity provider, a rehire). The registry row,
    /// with its data, moves to the new id and is active again, instead of a conflict that would leave the person
    /// without their backups.
    /// </summary>
    private void Rebind(ProvisionedUser previous, ImportedUser user, CompiledMapping winner)
    {
        var after = Provisioning.Desired(previous, user, winner, emailAllowed: true, Now) with { ExternalId = user.Id };
        var fields = new List<FieldChange> { new("externalId", previous.ExternalId, user.Id) };
        fields.AddRange(Provisioning.Changes(previous, after));
        book.MoveEmail(previous, after);
        var reason = $"came back under a new id with the email of {(previous.State == UserState.Active ? "departing" : previous.State.ToString().ToLowerInvariant())} " +
            $"user {previous.ExternalId}; matches mapping {winner.Name}";
        book.Add(previous.State == UserState.Active ? new Update(previous, after, fields, reason) : new Restore(previous, after, fields, reason), _namespace);
    }

    /// <summary>
    /// The registry row of this source holding an email that its person is leaving: preserved or disabled already,
    /// or being removed by this very plan (whose removal the re-binding then replaces). Null when the holder stays.
    /// </summary>
    private ProvisionedUser? Leaving(EmailHolder owner, string email)
    {
        var index = _removals.FindIndex(r => r.ExternalId == owner.ExternalId);
        if (index >= 0)
        {
            var removed = _removals[index].Before!;
            _removals.RemoveAt(index);
            return removed;
        }
        return book.StoredEmailOwner(email) is { State: not UserState.Active } stored && stored.ExternalId == owner.ExternalId ? stored : null;
    }

    private void PlanExisting(ProvisionedUser row, ImportedUser user, CompiledMapping? winner, bool lastTry)
    {
        if (winner is null)
        {
            if (row.State != UserState.Active || !snapshot.Complete) return;
            Remove(row, user.Enabled ? $"no longer matches any mapping of source {_name}" : "disabled in the directory");
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
        // A restored user holds their email again: nobody new may be re-bound to it (see Leaving).
        else if (row.State != UserState.Active && after.Email.Length > 0) book.ClaimEmail(after);
        var fields = Provisioning.Changes(row, after);
        if (row.State != UserState.Active)
        {
            book.Add(new Restore(row, after, fields, $"matches mapping {winner.Name} again (was {row.State.ToString().ToLowerInvariant()})"), _namespace);
            return;
        }
        var reason = row.Mapping != winner.Name
            ? $"now matched by mapping {winner.Name} (was {row.Mapping})"
            : fields.Any(f => f.Field is "profile" or "storageRegion" or "quota" or "quotaPolicy" or "loginMechanism")
                ? $"mapping {winner.Name} changed"
                : "directory details changed";
        book.Add(new Update(row, after, fields, reason), _namespace);
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
        book.Conflict(_name, row.ExternalId, user.Email, winner.Name, owner);
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
        var guard = _source.Spec.DeletionGuard;
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
            book.Blocked.Add(new DeletionGuardBlock(_name, _removals.Count, active, limit, _removals.ToArray()));
            return;
        }
        foreach (var removal in _removals) book.Add(removal, _namespace);
    }

    private string Qualify(string mapping) => PlanBook.Qualify(_namespace, mapping);
}
