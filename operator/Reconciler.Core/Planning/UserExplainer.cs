using Reconciler.Core.Directory;
using Reconciler.Core.Matching;
using Reconciler.Core.Registry;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Planning;

/// <summary>Why one user got what: which mapping won, which lost on priority, which clause failed, what a plan does.</summary>
public static class UserExplainer
{
    /// <summary>Explains every user of the in-memory world that answers to the query (by id, email or user name).</summary>
    public static IReadOnlyList<UserExplanation> Explain(
        DesiredState desired,
        IReadOnlyDictionary<string, DirectorySnapshot> imported,
        IReadOnlyList<ProvisionedUser> registry,
        string query,
        PlanOptions options)
    {
        var plan = ProvisioningPlanner.Plan(desired, imported, registry, options);
        var found = new List<UserExplanation>();
        foreach (var source in desired.Sources.OrderBy(s => s.Key.QualifiedName, StringComparer.Ordinal))
        {
            var name = source.Key.QualifiedName;
            var snapshot = imported.GetValueOrDefault(name);
            var user = snapshot?.Users.FirstOrDefault(u => Matches(query, u.Id, u.Email, u.UserName));
            var row = registry.FirstOrDefault(r => r.Source == name
                && (user is not null ? r.ExternalId == user.Id : Matches(query, r.ExternalId, r.Email, r.UserName)));
            if (user is null && row is null) continue;
            var id = user?.Id ?? row!.ExternalId;
            found.Add(Explain(desired, source, user, row, plan.Outcome, plan.Changes.FirstOrDefault(c => c.Source == name && c.ExternalId == id)));
        }
        return found;
    }

    /// <summary>Explains one user of a source from what a plan found and the change it made for the user, if any.</summary>
    public static UserExplanation Explain(DesiredState desired, DirectorySource source, ImportedUser? user, ProvisionedUser? row,
        PlanOutcome plan, PlanAction? change)
    {
        var id = user?.Id ?? row?.ExternalId ?? "";
        var verdicts = user is null ? [] : Verdicts(desired, source, user);
        return new UserExplanation(source.Key.QualifiedName, id, user, row, verdicts,
            Outcome(plan, change, source, id, user, row, verdicts.FirstOrDefault(v => v.Won)?.Mapping));
    }

    /// <summary>Whether a user answers to a query: its directory id exactly, its email or user name ignoring case.</summary>
    public static bool Matches(string query, string id, string email, string userName) =>
        query.Equals(id, StringComparison.Ordinal)
        || (email.Length > 0 && query.Equals(email, StringComparison.OrdinalIgnoreCase))
        || (userName.Length > 0 && query.Equals(userName, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<MappingVerdict> Verdicts(DesiredState desired, DirectorySource source, ImportedUser user)
    {
        var mappings = SourceMappings.For(desired, source);
        var verdicts = new List<MappingVerdict>();
        CompiledMapping? winner = null;
        CompiledMapping? undecided = null;
        foreach (var mapping in mappings.Ordered)
        {
            string? failure;
            try
            {
                failure = mapping.Filter.Explain(user);
            }
            catch (FilterTimeoutException e)
            {
                undecided ??= winner is null ? mapping : null;
                verdicts.Add(new MappingVerdict(mapping.Name, mapping.Spec.Priority, false, "undecided: " + e.Message));
                continue;
            }
            string outcome;
            if (failure is not null) outcome = "no match: " + failure;
            else if (undecided is not null && winner is null)
            {
                outcome = $"matches, but cannot win while {undecided.Name} ({undecided.Spec.Priority}) is undecided";
            }
            else if (!user.Enabled) outcome = "filter matches, but the user is disabled in the directory";
            else if (winner is null)
            {
                winner = mapping;
                outcome = "wins";
            }
            else
            {
                outcome = $"also matches, but loses on priority to {winner.Name} ({winner.Spec.Priority} before {mapping.Spec.Priority}"
                    + (winner.Spec.Priority == mapping.Spec.Priority ? ", tie broken by name)" : ")");
            }
            verdicts.Add(new MappingVerdict(mapping.Name, mapping.Spec.Priority, failure is null && user.Enabled && winner == mapping, outcome));
        }
        return verdicts;
    }

    private static string Outcome(PlanOutcome plan, PlanAction? change, DirectorySource source, string id, ImportedUser? user,
        ProvisionedUser? row, string? winner)
    {
        var name = source.Key.QualifiedName;
        if (change is not null) return $"plan: {change.Verb} — {change.Reason}";
        var blocked = plan.Blocked.FirstOrDefault(b => b.HeldBack.Any(c => c.Source == name && c.ExternalId == id));
        if (blocked is not null) return "plan: held back by the deletion guard — " + blocked.Message;
        var conflict = plan.Conflicts.FirstOrDefault(c => c.Source == name && c.ExternalId == id);
        if (conflict is not null) return "conflict: " + conflict.Reason;
        var problem = plan.Problems.FirstOrDefault(p => p.Source == name && p.ExternalId == id)
            ?? plan.Problems.FirstOrDefault(p => p.Source == name && p.ExternalId is null);
        if (problem is not null) return "no change: " + problem.Message;
        if (row is not null) return $"no change: {row.State.ToString().ToLowerInvariant()} as provisioned by mapping {row.Mapping}";
        if (user is null) return "no change";
        if (!user.Enabled) return "not imported: disabled in the directory when first seen";
        if (string.IsNullOrWhiteSpace(user.Email)) return "not imported: the directory has no email for this user";
        return winner is null
            ? "not imported: no mapping matches"
            : $"not imported: the winning mapping {winner} does not auto-import new users";
    }

}

public sealed record UserExplanation(
    string Source, string ExternalId, ImportedUser? Imported, ProvisionedUser? Provisioned,
    IReadOnlyList<MappingVerdict> Mappings, string Outcome);

public sealed record MappingVerdict(string Mapping, int Priority, bool Won, string Outcome);
