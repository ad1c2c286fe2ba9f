using Reconciler.Core.Directory;
using Reconciler.Core.Planning;
using Spectre.Console;

namespace Reconciler.Cli.Output;

/// <summary>Shows a plan as a table a person scans, or as the JSON document scripts read.</summary>
public static class PlanPrinter
{
    private const int MaxRows = 200;

    /// <summary>
    /// Names every problem of every read (each skipped row with its line), then the planner's own findings.
    /// Returns false when a source could not be read at all: there is no trustworthy plan to show then.
    /// </summary>
    public static bool ReadProblems(IEnumerable<DirectorySnapshot> snapshots)
    {
        var complete = true;
        foreach (var snapshot in snapshots.OrderBy(s => s.Source, StringComparer.Ordinal))
        {
            foreach (var problem in snapshot.Problems)
            {
                if (snapshot.Failed) Terminal.Error($"source {snapshot.Source}: {problem}");
                else Terminal.Warn($"source {snapshot.Source}: {problem}");
            }
            complete &= !snapshot.Failed;
        }
        return complete;
    }

    public static void Table(Plan plan)
    {
        foreach (var problem in plan.Problems) Terminal.Warn(problem.Message);
        foreach (var block in plan.Blocked) Terminal.Warn(block.Message);
        if (plan.Changes.Count > 0)
        {
            var table = new Table().AddColumns("Action", "Source", "User", "Mapping", "Why / what changes");
            foreach (var change in plan.Changes.Take(MaxRows))
            {
                var details = change switch
                {
                    Update u => string.Join("; ", u.Fields.Select(f => f.ToString())),
                    Restore r => string.Join("; ", r.Fields.Select(f => f.ToString())),
                    _ => change.Reason,
                };
                if (change is Update or Restore) details = change.Reason + ": " + details;
                table.AddRow(Terminal.Cell(change.Verb), Terminal.Cell(change.Source), Terminal.Cell(UserLabel(change.After.Email, change.ExternalId)),
                    Terminal.Cell(change.After.Mapping), Terminal.Cell(details));
            }
            Terminal.Render(table);
            if (plan.Changes.Count > MaxRows)
            {
                Terminal.Line($"... and {plan.Changes.Count - MaxRows} more changes (use --output json to see all)");
            }
        }
        foreach (var conflict in plan.Conflicts.Take(MaxRows))
        {
            Terminal.Line($"conflict: {conflict.Source}/{conflict.ExternalId} (mapping {conflict.Mapping}): {conflict.Reason}");
        }
        Terminal.Line(plan.IsEmpty && plan.Blocked.Count == 0 ? $"No changes. ({plan.Summary})" : $"Plan: {plan.Summary}.");
    }

    public static object Document(Plan plan, string revision) => new
    {
        revision,
        summary = new
        {
            create = plan.Summary.Create,
            update = plan.Summary.Update,
            preserve = plan.Summary.Preserve,
            disable = plan.Summary.Disable,
            restore = plan.Summary.Restore,
            conflict = plan.Summary.Conflict,
            blocked = plan.Summary.Blocked,
        },
        changes = plan.Changes.Select(Change),
        conflicts = plan.Conflicts.Select(c => new
        {
            action = "conflict",
            source = c.Source,
            externalId = c.ExternalId,
            email = c.Email,
            mapping = c.Mapping,
            ownerSource = c.OwnerSource,
            ownerExternalId = c.OwnerExternalId,
            reason = c.Reason,
        }),
        blocked = plan.Blocked.Select(b => new
        {
            source = b.Source,
            removals = b.Removals,
            activeUsers = b.ActiveUsers,
            limit = b.Limit,
            message = b.Message,
            heldBack = b.HeldBack.Select(Change),
        }),
        problems = plan.Problems.Select(p => new { source = p.Source, message = p.Message }),
        mappings = plan.Mappings.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new
        {
            name = m.Key,
            matched = m.Value.Matched,
            provisioned = m.Value.Provisioned,
            conflicts = m.Value.Conflicts,
        }),
    };

    private static object Change(PlanAction change) => new
    {
        action = change.Verb,
        source = change.Source,
        externalId = change.ExternalId,
        email = change.After.Email,
        userName = change.After.UserName,
        mapping = change.After.Mapping,
        reason = change.Reason,
        fields = change switch
        {
            Update u => u.Fields,
            Restore r => r.Fields,
            _ => null,
        },
        after = new
        {
            state = change.After.State,
            profile = change.After.Profile,
            storageRegion = change.After.StorageRegion,
            quotaBytes = change.After.QuotaBytes,
            quotaPolicy = change.After.QuotaPolicy,
            loginMechanism = change.After.LoginMechanism,
        },
    };

    private static string UserLabel(string email, string id) => email.Length > 0 ? email : id;

}
