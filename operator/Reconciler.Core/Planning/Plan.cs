namespace Reconciler.Core.Planning;

/// <summary>
/// What a reconcile would do. <see cref="Changes"/> are applied; conflicts, blocked removals and problems are
/// reported. A plan with no changes is empty even when it reports standing conflicts.
/// </summary>
public sealed record Plan
{
    public IReadOnlyList<PlanAction> Changes { get; init; } = [];

    /// <summary>Users a mapping could not provision because another user already owns their email.</summary>
    public IReadOnlyList<EmailConflict> Conflicts { get; init; } = [];

    /// <summary>Preserve/disable actions held back by a source's deletion guard.</summary>
    public IReadOnlyList<DeletionGuardBlock> Blocked { get; init; } = [];

    /// <summary>Things the user should know about that stopped nothing else (incomplete imports, unknown sources).</summary>
    public IReadOnlyList<PlanProblem> Problems { get; init; } = [];

    /// <summary>Per mapping: how many imported users it won, how many it leaves provisioned, how many conflicts.</summary>
    public IReadOnlyDictionary<string, MappingTally> Mappings { get; init; } = new Dictionary<string, MappingTally>();

    public bool IsEmpty => Changes.Count == 0;

    public PlanSummary Summary => PlanSummary.Of(this);
}

public sealed record EmailConflict(
    string Source, string ExternalId, string Email, string Mapping,
    string OwnerSource, string OwnerExternalId, string Reason);

public sealed record DeletionGuardBlock(
    string Source, int Removals, int ActiveUsers, string Limit, IReadOnlyList<PlanAction> HeldBack)
{
    public string Message =>
        $"deletion guard of source {Source}: this sync would preserve or disable {Removals} of {ActiveUsers} active users, " +
        $"more than {Limit}; nothing was removed. If the directory really lost these users, run 'reconciler apply --allow-deletions'.";
}

public sealed record PlanProblem(string Source, string Message);

public sealed record MappingTally(int Matched, int Provisioned, int Conflicts);

public sealed record PlanSummary(int Create, int Update, int Preserve, int Disable, int Restore, int Conflict, int Blocked)
{
    public static PlanSummary Of(Plan plan)
    {
        int create = 0, update = 0, preserve = 0, disable = 0, restore = 0;
        foreach (var change in plan.Changes)
        {
            switch (change)
            {
                case Planning.Create: create++; break;
                case Planning.Update: update++; break;
                case Planning.Preserve: preserve++; break;
                case Planning.Disable: disable++; break;
                case Planning.Restore: restore++; break;
            }
        }
        return new PlanSummary(create, update, preserve, disable, restore, plan.Conflicts.Count,
            plan.Blocked.Sum(b => b.HeldBack.Count));
    }

    public override string ToString() =>
        $"{Create} create, {Update} update, {Preserve} preserve, {Disable} disable, {Restore} restore, {Conflict} conflict" +
        (Blocked > 0 ? $", {Blocked} held back by deletion guard" : "");
}
