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

    /// <summary>
    /// Per mapping (by name, prefixed by its namespace outside the default one): how many imported users it won,
    /// how many it leaves provisioned, how many conflicts.
    /// </summary>
    public IReadOnlyDictionary<string, MappingTally> Mappings { get; init; } = new Dictionary<string, MappingTally>();

    /// <summary>Per source: users whose winning mapping could not be decided, left as they are.</summary>
    public IReadOnlyDictionary<string, int> Undecided { get; init; } = new Dictionary<string, int>();

    public bool IsEmpty => Changes.Count == 0;

    public PlanSummary Summary => PlanSummary.Of(this);

    /// <summary>The plan's findings and counts without its changes, which a streaming plan never holds.</summary>
    public PlanOutcome Outcome => new()
    {
        Conflicts = Conflicts, Blocked = Blocked, Problems = Problems, Mappings = Mappings, Summary = Summary, Undecided = Undecided,
    };
}

/// <summary>
/// What a plan found and how many changes of each kind it made, for plans whose changes went to a sink (straight
/// into a store transaction, or to the screen) instead of a list.
/// </summary>
public sealed record PlanOutcome
{
    public IReadOnlyList<EmailConflict> Conflicts { get; init; } = [];
    public IReadOnlyList<DeletionGuardBlock> Blocked { get; init; } = [];
    public IReadOnlyList<PlanProblem> Problems { get; init; } = [];
    public IReadOnlyDictionary<string, MappingTally> Mappings { get; init; } = new Dictionary<string, MappingTally>();
    public PlanSummary Summary { get; init; } = PlanSummary.Empty;

    /// <summary>
    /// Per source: users whose winning mapping could not be decided (a <c>Matches</c> clause timed out). They were left
    /// as they are, and the source's import counts as incomplete for them.
    /// </summary>
    public IReadOnlyDictionary<string, int> Undecided { get; init; } = new Dictionary<string, int>();

    public bool IsEmpty => Summary.Changes == 0;

    /// <summary>
    /// Users this plan left unsettled, who must be planned again next time even if nothing about them changes:
    /// those in an email conflict and those whose removal a deletion guard held back.
    /// </summary>
    public IEnumerable<(string Source, string ExternalId)> Pending =>
        Conflicts.Select(c => (c.Source, c.ExternalId))
            .Concat(Blocked.SelectMany(b => b.HeldBack.Select(h => (h.Source, h.ExternalId))))
            .Distinct();
}

/// <summary>A user of <paramref name="Source"/> whose mapping wants an email that another registry row holds.</summary>
/// <param name="OwnerMapping">The mapping of the row that holds the email: its status counts the conflict too.</param>
public sealed record EmailConflict(
    string Source, string ExternalId, string Email, string Mapping,
    string OwnerSource, string OwnerExternalId, string Reason, string OwnerMapping = "");

public sealed record DeletionGuardBlock(
    string Source, int Removals, int ActiveUsers, string Limit, IReadOnlyList<PlanAction> HeldBack)
{
    public string Message =>
        $"deletion guard of source {Source}: this sync would preserve or disable {Removals} of {ActiveUsers} active users, " +
        $"more than {Limit}; nothing was removed. If the directory really lost these users, run 'reconciler apply --allow-deletions'.";
}

/// <param name="ExternalId">The user the problem is about, when it is about one user.</param>
public sealed record PlanProblem(string Source, string Message, string? ExternalId = null);

public sealed record MappingTally(int Matched, int Provisioned, int Conflicts);

public sealed record PlanSummary(int Create, int Update, int Preserve, int Disable, int Restore, int Conflict, int Blocked)
{
    public static readonly PlanSummary Empty = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Changes to apply: everything but conflicts and held-back removals.</summary>
    public int Changes => Create + Update + Preserve + Disable + Restore;

    public static PlanSummary Of(Plan plan)
    {
        var counts = new PlanCounts();
        foreach (var change in plan.Changes) counts.Count(change);
        return counts.Summary(plan.Conflicts.Count, plan.Blocked.Sum(b => b.HeldBack.Count));
    }

    public override string ToString() =>
        $"{Create} create, {Update} update, {Preserve} preserve, {Disable} disable, {Restore} restore, {Conflict} conflict" +
        (Blocked > 0 ? $", {Blocked} held back by deletion guard" : "");
}

/// <summary>Counts changes by kind as they are decided.</summary>
public sealed class PlanCounts
{
    private int _create, _update, _preserve, _disable, _restore;

    public void Count(PlanAction change)
    {
        switch (change)
        {
            case Planning.Create: _create++; break;
            case Planning.Update: _update++; break;
            case Planning.Preserve: _preserve++; break;
            case Planning.Disable: _disable++; break;
            case Planning.Restore: _restore++; break;
        }
    }

    public PlanSummary Summary(int conflicts, int blocked) => new(_create, _update, _preserve, _disable, _restore, conflicts, blocked);
}
